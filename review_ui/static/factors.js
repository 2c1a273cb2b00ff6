// CiN factor suggestions: accept / reject each for each child it is on, evidence that
// leads to the sentence, codes added by hand to a child's record from the full list,
// census rule problems.

const TAGS = {
  accepted: ['Accepted', 'govuk-tag--green'],
  rejected: ['Rejected', 'govuk-tag--grey'],
  undecided: ['Not decided', 'govuk-tag--yellow']
}

export class Factors extends EventTarget {
  constructor (root, { autosave, onEvidence, announce, childName }) {
    super()
    this.root = root
    this.autosave = autosave
    this.onEvidence = onEvidence
    this.announce = announce
    this.childName = childName
    this.list = root.querySelector('#factor-list')
    this.addedList = root.querySelector('#added-list')
    this.search = root.querySelector('#code-search')
    this.addFor = root.querySelector('#add-for')
    this.options = [...root.querySelectorAll('#code-options li')]
    this.count = root.querySelector('#code-search-count')

    root.addEventListener('click', (event) => this.onClick(event))
    this.search.addEventListener('input', () => this.filter())
    this.addFor.addEventListener('change', () => this.syncOptions())
    this.search.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown') {
        const first = this.options.find((li) => !li.hidden)
        if (first) { event.preventDefault(); first.querySelector('button').focus() }
      }
    })
    for (const group of this.groups()) this.paint(group, group.dataset.decision)
    this.refresh()
  }

  items () { return this.list ? [...this.list.querySelectorAll('.cn-factor')] : [] }
  item (code) { return this.items().find((li) => li.dataset.code === code) }
  groups (li) { return [...(li || this.root).querySelectorAll('.cn-decide')] }
  group (code, child) {
    const li = this.item(code)
    return li ? this.groups(li).find((g) => g.dataset.child === child) : undefined
  }

  // The child a code added by hand goes on: the one chosen (the only one for one child).
  targetChild () { return this.addFor.value }

  onClick (event) {
    const decide = event.target.closest('.cn-decide__button')
    if (decide) {
      const group = decide.closest('.cn-decide')
      const now = group.dataset.decision === decide.dataset.decision ? 'undecided' : decide.dataset.decision
      return this.decide(decide.closest('.cn-factor').dataset.code, group.dataset.child, now)
    }
    const evidence = event.target.closest('.cn-evidence')
    if (evidence) return this.onEvidence(evidence.dataset.sentence, evidence.dataset.start)
    const option = event.target.closest('.cn-code-option')
    if (option) return this.add(option.dataset.code, option.dataset.label)
    const remove = event.target.closest('.cn-remove')
    if (remove) return this.remove(remove.dataset.code, remove.dataset.child)
  }

  decide (code, child, decision) {
    this.show(code, child, decision)
    this.autosave.edit(`factor:${code}:${child}`, decision)
    const whom = this.childCount() > 1 ? ` for ${this.childName(child)}` : ''
    this.announce(`${code}${whom} ${TAGS[decision][0].toLowerCase()}`)
  }

  // Every child the suggestion is on (the A and R keys on a suggestion).
  decideAll (li, decision) {
    for (const group of this.groups(li)) if (!group.hidden) this.decide(li.dataset.code, group.dataset.child, decision)
  }

  // Reflect a decision on screen (also used when another version arrives).
  show (code, child, decision) {
    const group = this.group(code, child)
    if (!group) return this.showAdded(code, child, decision)
    this.paint(group, decision)
    this.refresh()
  }

  paint (group, decision) {
    group.dataset.decision = decision
    for (const button of group.querySelectorAll('.cn-decide__button')) {
      button.setAttribute('aria-pressed', String(button.dataset.decision === decision))
    }
    const tag = group.querySelector('.cn-decision-tag')
    const [text, modifier] = TAGS[decision] || TAGS.undecided
    tag.textContent = text
    tag.className = `govuk-tag cn-decision-tag ${modifier}`
  }

  // A child taken off the visit (or put back): their decisions and codes go (or come back).
  setChildOnVisit (child, onVisit) {
    for (const group of this.groups()) if (group.dataset.child === child) group.hidden = !onVisit
    for (const li of this.addedList.querySelectorAll('li')) if (li.dataset.child === child) li.hidden = !onVisit
    this.refresh()
  }

  // Names changed, or children added or taken off: 'For Mia:' labels (only while the
  // visit has several children) and the choice of whose record a code goes on.
  relabel (children) {
    const several = children.length > 1
    for (const group of this.groups()) {
      const label = group.querySelector('.cn-decide__child')
      label.textContent = `For ${this.childName(group.dataset.child)}:`
      label.hidden = !several
    }
    for (const el of this.addedList.querySelectorAll('.cn-added__for')) {
      el.textContent = several ? ` – for ${this.childName(el.closest('li').dataset.child)}` : ''
    }
    const chosen = this.addFor.value
    this.addFor.replaceChildren(...children.map(({ key, name }) => Object.assign(document.createElement('option'), { value: key, textContent: name })))
    if (children.some((c) => c.key === chosen)) this.addFor.value = chosen
    document.getElementById('add-for-group').hidden = !several
    this.syncOptions()
  }

  childCount () { return this.addFor.options.length }

  refresh () {
    for (const li of this.items()) {
      const visible = this.groups(li).filter((g) => !g.hidden)
      const values = new Set(visible.map((g) => g.dataset.decision))
      li.hidden = visible.length === 0
      li.dataset.decision = values.size === 1 ? [...values][0] : values.has('undecided') ? 'undecided' : 'mixed'
    }
    const undecided = this.groups().filter((g) => !g.hidden && g.dataset.decision === 'undecided').length
    const counter = document.getElementById('undecided-count')
    if (counter) counter.textContent = String(undecided)
    const anyAdded = [...this.addedList.querySelectorAll('li')].some((li) => !li.hidden)
    document.getElementById('added-empty').hidden = anyAdded
    this.syncOptions()
    this.dispatchEvent(new CustomEvent('change'))
  }

  // What is on one child's record now: [{code, label, undecided}].
  onRecordOf (child) {
    const found = []
    for (const li of this.items()) {
      const group = this.groups(li).find((g) => g.dataset.child === child && !g.hidden)
      if (group && group.dataset.decision !== 'rejected') {
        found.push({ code: li.dataset.code, label: li.querySelector('h3').textContent.replace(li.dataset.code, '').trim(), undecided: group.dataset.decision === 'undecided' })
      }
    }
    for (const li of this.addedList.querySelectorAll('li')) {
      if (li.dataset.child === child && !li.hidden) found.push({ code: li.dataset.code, label: li.dataset.label || '', undecided: false })
    }
    return found
  }

  add (code, label) {
    const child = this.targetChild()
    if (this.group(code, child)) { // already suggested for this child: accepting it is the same thing
      this.decide(code, child, 'accepted')
      return this.item(code).focus()
    }
    this.showAdded(code, child, 'accepted', label)
    this.autosave.edit(`factor:${code}:${child}`, 'accepted')
    this.announce(`${code} added${this.childCount() > 1 ? ` for ${this.childName(child)}` : ''}`)
    this.search.value = ''
    this.filter()
    this.search.focus()
  }

  remove (code, child) {
    this.showAdded(code, child, 'rejected')
    this.autosave.edit(`factor:${code}:${child}`, 'rejected')
    this.announce(`${code} removed`)
    this.search.focus()
  }

  showAdded (code, child, decision, label) {
    const existing = [...this.addedList.querySelectorAll('li')].find((li) => li.dataset.code === code && li.dataset.child === child)
    if (decision !== 'accepted') {
      if (existing) existing.remove()
    } else if (!existing) {
      const option = this.options.find((li) => li.dataset.code === code)
      label = label || (option ? option.querySelector('button').dataset.label : code)
      const whom = this.childCount() > 1 ? ` for ${this.childName(child)}` : ''
      const li = document.createElement('li')
      li.className = 'cn-added'
      li.dataset.code = code
      li.dataset.child = child
      li.dataset.label = label
      const name = document.createElement('span')
      name.innerHTML = '<span class="cn-code"></span> '
      name.firstChild.textContent = code
      const forWhom = Object.assign(document.createElement('span'), { className: 'cn-added__for', textContent: whom ? ` – ${whom.trim()}` : '' })
      name.append(label, forWhom)
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'govuk-button govuk-button--secondary cn-remove'
      button.dataset.code = code
      button.dataset.child = child
      button.innerHTML = 'Remove<span class="govuk-visually-hidden"></span>'
      button.lastChild.textContent = ` ${code}${whom}`
      li.append(name, button)
      this.addedList.append(li)
    }
    this.refresh()
  }

  // Codes already on the chosen child's record are not offered again.
  syncOptions () {
    const child = this.targetChild()
    const chosen = new Set([...this.addedList.querySelectorAll('li')].filter((li) => li.dataset.child === child).map((li) => li.dataset.code))
    for (const li of this.options) li.dataset.chosen = chosen.has(li.dataset.code) ? 'yes' : ''
    this.filter()
  }

  filter () {
    const terms = this.search.value.toLowerCase().split(/\s+/).filter(Boolean)
    let shown = 0
    for (const li of this.options) {
      const match = li.dataset.chosen !== 'yes' && terms.every((t) => li.dataset.search.includes(t))
      li.hidden = !match
      if (match) shown += 1
    }
    this.count.textContent = terms.length ? `${shown} ${shown === 1 ? 'code matches' : 'codes match'}` : `${shown} codes`
  }

  showProblems (problems) {
    const box = document.getElementById('census-problems')
    const list = document.getElementById('census-problem-list')
    list.replaceChildren(...problems.map((p) => Object.assign(document.createElement('li'), { textContent: p })))
    box.hidden = problems.length === 0
  }

  // Keyboard on a suggestion: arrows move, A accepts, R rejects (for every child it is
  // on; the buttons decide one child at a time), P plays the evidence.
  onKey (event) {
    const li = event.target.closest('.cn-factor')
    if (!li || event.altKey || event.ctrlKey || event.metaKey) return false
    const items = this.items().filter((el) => !el.hidden)
    const i = items.indexOf(li)
    const key = event.key.toLowerCase()
    if (key === 'arrowdown' || key === 'arrowup') {
      const next = items[i + (key === 'arrowdown' ? 1 : -1)]
      if (next) next.focus()
    } else if (key === 'a') this.decideAll(li, 'accepted')
    else if (key === 'r') this.decideAll(li, 'rejected')
    else if (key === 'p') {
      const evidence = li.querySelector('.cn-evidence')
      if (evidence) this.onEvidence(evidence.dataset.sentence, evidence.dataset.start)
    } else return false
    return true
  }
}
