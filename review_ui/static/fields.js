// The review state as flat fields, the unit of autosave and of conflict handling:
//   "section:<key>"                text
//   "visit:contact_type"           text or null; "visit:announced" true / false / null
//   "visit:people"                 the people present as lines, 'Leanne Price (mother)'
//   "when:day", "when:time"        '2025-03-11' / '16:00', '' when not recorded
//   "child:<key>:<field>"          a child's name, age, case_reference, seen fields, removed
//   "factor:<code>:<child key>"    accepted / rejected / undecided
// and flat changes back into the DraftEdits body of PATCH /api/drafts/{id}.

export const CHILD_FIELDS = ['name', 'age', 'case_reference', 'child_seen', 'child_seen_alone', 'bedroom_seen', 'removed']

export function splitKey (key) {
  const i = key.indexOf(':')
  return [key.slice(0, i), key.slice(i + 1)]
}

// "child:c1:child_seen" -> ["c1", "child_seen"]; "factor:1B:c1" -> ["1B", "c1"]
export function splitName (name) {
  const i = name.indexOf(':')
  return i === -1 ? [name, ''] : [name.slice(0, i), name.slice(i + 1)]
}

export function personLine (person) {
  if (person.name && person.role) return `${person.name} (${person.role})`
  return person.name || `(${person.role || ''})`
}

export function peopleText (people) {
  return (people || []).map(personLine).join('\n')
}

// One person a line: 'Leanne Price (mother)', '(mother)' for someone not named.
export function parsePeople (text) {
  const people = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line) continue
    const match = line.match(/^(.*?)\s*\(([^()]*)\)$/)
    if (match) people.push({ name: match[1].trim() || null, role: match[2].trim() || null })
    else people.push({ name: line, role: null })
  }
  return people
}

// A ReviewState as flat field -> value.
export function fieldsOf (review) {
  const fields = {}
  for (const s of review.sections) fields[`section:${s.key}`] = s.text
  fields['visit:contact_type'] = review.visit.contact_type || null
  fields['visit:announced'] = review.visit.announced ?? null
  fields['visit:people'] = peopleText(review.visit.people_present)
  fields['when:day'] = review.visit_day || ''
  fields['when:time'] = review.visit_time ? review.visit_time.slice(0, 5) : ''
  for (const c of review.children || []) {
    for (const f of CHILD_FIELDS) {
      const value = c[f]
      fields[`child:${c.key}:${f}`] = f === 'case_reference' ? (value || '') : (value ?? null)
    }
  }
  for (const d of review.factors) fields[`factor:${d.code}:${d.child || ''}`] = d.decision
  return fields
}

// Value of a field in a flat map: a code that is absent has not been added. (A child
// the map does not have has no value at all: every field of a child added here is sent.)
export function valueIn (fields, key) {
  if (key in fields) return fields[key]
  if (key.startsWith('factor:')) return 'rejected'
  return undefined
}

// Flat changes -> the DraftEdits body.
export function editsBody (changes) {
  const body = { sections: {}, factors: [], children: [] }
  const children = {}
  for (const [key, value] of Object.entries(changes)) {
    const [kind, name] = splitKey(key)
    if (kind === 'section') body.sections[name] = value
    else if (kind === 'visit') {
      body.visit ||= {}
      if (name === 'people') body.visit.people_present = parsePeople(value)
      else body.visit[name] = value
    } else if (kind === 'when') {
      if (name === 'day') body.visit_day = value || null
      else body.visit_time = value || null
    } else if (kind === 'child') {
      const [childKey, field] = splitName(name)
      children[childKey] ||= { key: childKey }
      children[childKey][field] = field === 'case_reference' ? (value || null) : value
    } else if (kind === 'factor') {
      const [code, child] = splitName(name)
      body.factors.push(child ? { code, child, decision: value } : { code, decision: value })
    }
  }
  body.children = Object.values(children)
  return body
}

// The date boxes -> '2025-03-11', '' (all empty) or null (not a date yet).
export function dayFrom (day, month, year) {
  if (!day && !month && !year) return ''
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return null
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
}

// '16:00', '1600', '9.30' -> '16:00' / '09:30'; '' stays ''; null when it is not a time.
export function timeFrom (text) {
  const value = text.trim()
  if (!value) return ''
  const match = value.match(/^(\d{1,2})[:.]?(\d{2})$/)
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return null
  return `${match[1].padStart(2, '0')}:${match[2]}`
}
