// "Keep both" for a section two tabs (or two people) changed at once: the two versions are
// merged sentence by sentence against the version both started from (a three-way merge),
// so what they share appears once. Where only one side changed a run of sentences, its
// change is taken; where both changed the same run differently, the saved version's
// sentences come first, then this tab's that the saved version does not already have.

// Sentences with the spaces after them, so that joining them gives the text back.
export function sentences (text) {
  return (text || '').match(/[^.!?\n]*(?:[.!?]+["'”’)\]]*|\n+|$)\s*/g).filter((s) => s !== '')
}

const same = (a, b) => a.trim() === b.trim()

// For each sentence of a, the index of the sentence of b it is matched with (longest common
// subsequence), or -1.
function matches (a, b) {
  const rows = a.length + 1
  const cols = b.length + 1
  const length = Array.from({ length: rows }, () => new Uint16Array(cols))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      length[i][j] = same(a[i], b[j]) ? length[i + 1][j + 1] + 1 : Math.max(length[i + 1][j], length[i][j + 1])
    }
  }
  const found = new Array(a.length).fill(-1)
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (same(a[i], b[j])) { found[i] = j; i += 1; j += 1 } else if (length[i + 1][j] >= length[i][j + 1]) i += 1
    else j += 1
  }
  return found
}

// How one side changed the base: which base sentences it kept, and the sentences it put
// before each base sentence (or at the end) in their place or beside them.
function changesOf (base, side) {
  const kept = new Array(base.length).fill(false)
  const before = Array.from({ length: base.length + 1 }, () => [])
  const matched = new Map(matches(base, side).map((j, i) => [j, i]).filter(([j]) => j >= 0))
  let pending = []
  side.forEach((sentence, j) => {
    if (!matched.has(j)) return pending.push(sentence)
    const i = matched.get(j)
    kept[i] = true
    before[i].push(...pending)
    pending = []
  })
  before[base.length].push(...pending)
  return { kept, before }
}

function join (parts) {
  let text = ''
  for (const part of parts) {
    if (text && !/\s$/.test(text) && !/^\s/.test(part)) text += ' '
    text += part
  }
  return text
}

// A base sentence stays when both kept it (one side's deletion or rewrite wins over the
// other's keeping it); what each side put in at a place comes there, the saved version's
// first, each sentence once.
export function mergeSentences (base, mine, theirs) {
  const b = sentences(base)
  const m = changesOf(b, sentences(mine))
  const t = changesOf(b, sentences(theirs))
  const out = []
  for (let i = 0; i <= b.length; i++) {
    const added = [...t.before[i]]
    for (const sentence of m.before[i]) if (!added.some((s) => same(s, sentence))) added.push(sentence)
    out.push(...added)
    if (i < b.length && m.kept[i] && t.kept[i]) out.push(b[i])
  }
  return join(out)
}
