// CiN factor suggestions: accept / reject each, evidence that leads to the
// sentence, codes added by hand from the full list, census rule problems.

const TAGS = {
  accepted: ['Accepted', 'govuk-tag--green'],
  rejected: ['Rejected', 'govuk-tag--grey'],
  undecided: ['Not decided', 'govuk-tag--yellow']
}

export class Factors {
  constructor (root, { autosave, onEvidence, announce }) {
    this.root = root
    this.autosave = autosave
    this.onEvidence = onEvidence
    this.announce = announce
    this.list = root.querySelector('#factor-list')
    this.addedList = root.querySelector('#added-list')
    this.search = root.querySelector('#code-search')
    this.options = [...root.querySelectorAll('#code-options li')]
    this.count = root.querySelector('#code-search-count')

    root.addEventListener('click', (event) => this.onClick(event))
    this.search.addEventListener('input', () => this.filter())
    this.search.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown') {
        const first = this.options.find((li) => !li.hidden)
        if (first) { event.preventDefault(); first.querySelector('button').focus() }
      }
    })
    for (const li of this.items()) this.show(li.dataset.code, li.dataset.decision)
    this.syncOptions()
    this.filter()
  }

  items () { return this.list ? [...this.list.querySelectorAll('.cn-factor')] : [] }
  item (code) { return this.items().find((li) => li.dataset.code === code) }

  onClick (event) {
    const decide = event.target.closest('.cn-decide__button')
    if (decide) {
      const li = decide.closest('.cn-factor')
      const now = li.dataset.decision === decide.dataset.decision ? 'undecided' : decide.dataset.decision
      return this.decide(li.dataset.code, now)
    }
    const evidence = event.target.closest('.cn-evidence')
    if (evidence) return this.onEvidence(evidence.dataset.sentence, evidence.dataset.start)
    const option = event.target.closest('.cn-code-option')
    if (option) return this.add(option.dataset.code, option.dataset.label)
    const remove = event.target.closest('.cn-remove')
    if (remove) return this.remove(remove.dataset.code)
  }

  decide (code, decision) {
    this.show(code, decision)
    this.autosave.edit(`factor:${code}`, decision)
    this.announce(`${code} ${TAGS[decision][0].toLowerCase()}`)
  }

  // Reflect a decision on screen (also used when another version arrives).
  show (code, decision) {
    const li = this.item(code)
    if (!li) return this.showAdded(code, decision)
    li.dataset.decision = decision
    for (const button of li.querySelectorAll('.cn-decide__button')) {
      button.setAttribute('aria-pressed', String(button.dataset.decision === decision))
    }
    const tag = li.querySelector('.cn-decision-tag')
    const [text, modifier] = TAGS[decision] || TAGS.undecided
    tag.textContent = text
    tag.className = `govuk-tag cn-decision-tag ${modifier}`
    const undecided = this.items().filter((el) => el.dataset.decision === 'undecided').length
    const counter = document.getElementById('undecided-count')
    if (counter) counter.textContent = String(undecided)
  }

  add (code, label) {
    if (this.item(code)) { // already suggested: accepting it is the same thing
      this.decide(code, 'accepted')
      return this.item(code).focus()
    }
    this.showAdded(code, 'accepted', label)
    this.autosave.edit(`factor:${code}`, 'accepted')
    this.announce(`${code} added`)
    this.search.value = ''
    this.filter()
    this.search.focus()
  }

  remove (code) {
    this.showAdded(code, 'rejected')
    this.autosave.edit(`factor:${code}`, 'rejected')
    this.announce(`${code} removed`)
    this.search.focus()
  }

  showAdded (code, decision, label) {
    const existing = this.addedList.querySelector(`li[data-code="${CSS.escape(code)}"]`)
    if (decision !== 'accepted') {
      if (existing) existing.remove()
    } else if (!existing) {
      const option = this.options.find((li) => li.dataset.code === code)
      label = label || (option ? option.querySelector('button').dataset.label : code)
      const li = document.createElement('li')
      li.className = 'cn-added'
      li.dataset.code = code
      const name = document.createElement('span')
      name.innerHTML = '<span class="cn-code"></span> '
      name.firstChild.textContent = code
      name.append(label)
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'govuk-button govuk-button--secondary cn-remove'
      button.dataset.code = code
      button.innerHTML = 'Remove<span class="govuk-visually-hidden"></span>'
      button.lastChild.textContent = ` ${code}`
      li.append(name, button)
      this.addedList.append(li)
    }
    document.getElementById('added-empty').hidden = this.addedList.children.length > 0
    this.syncOptions()
  }

  // Codes already chosen are not offered again.
  syncOptions () {
    const chosen = new Set([...this.addedList.querySelectorAll('li')].map((li) => li.dataset.code))
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

  // Keyboard on a suggestion: arrows move, A accepts, R rejects, P plays the evidence.
  onKey (event) {
    const li = event.target.closest('.cn-factor')
    if (!li || event.altKey || event.ctrlKey || event.metaKey) return false
    const items = this.items()
    const i = items.indexOf(li)
    const key = event.key.toLowerCase()
    if (key === 'arrowdown' || key === 'arrowup') {
      const next = items[i + (key === 'arrowdown' ? 1 : -1)]
      if (next) next.focus()
    } else if (key === 'a') this.decide(li.dataset.code, 'accepted')
    else if (key === 'r') this.decide(li.dataset.code, 'rejected')
    else if (key === 'p') {
      const evidence = li.querySelector('.cn-evidence')
      if (evidence) this.onEvidence(evidence.dataset.sentence, evidence.dataset.start)
    } else return false
    return true
  }
}
