// The children of the visit, side by side: each child's name, age, case reference and
// seen / seen alone / bedroom seen, the factors on their record, and adding, taking off
// and putting back a child. Every change is an autosaved field "child:<key>:<field>".

const RADIO = { yes: true, no: false, unknown: null }

function newKey () {
  // A key the server keeps for a child added here: 'w' and random letters and digits.
  const bytes = crypto.getRandomValues(new Uint8Array(6))
  return 'w' + [...bytes].map((b) => (b % 36).toString(36)).join('')
}

export class Children {
  constructor (root, { autosave, announce, onChange }) {
    this.root = root
    this.autosave = autosave
    this.announce = announce
    this.onChange = onChange // (children on the visit) -> void
    this.template = document.getElementById('child-template')
    this.removedBox = document.getElementById('removed-children')
    this.removedList = document.getElementById('removed-list')
    this.names = {}
    for (const card of this.cards()) this.names[card.dataset.childKey] = this.input(card.dataset.childKey, 'name').value
    for (const li of this.removedList.querySelectorAll('li')) {
      this.names[li.dataset.childKey] = li.querySelector('.cn-removed__name').textContent
    }
    root.addEventListener('input', (event) => this.onInput(event))
    root.addEventListener('change', (event) => this.onRadio(event))
    root.addEventListener('click', (event) => {
      const remove = event.target.closest('.cn-child-remove')
      if (remove) this.setOnVisit(remove.dataset.childKey, false, true)
    })
    this.removedList.addEventListener('click', (event) => {
      const restore = event.target.closest('.cn-child-restore')
      if (restore) this.setOnVisit(restore.dataset.childKey, true, true)
    })
    const nameBox = document.getElementById('new-child-name')
    const add = () => {
      const name = nameBox.value.trim()
      if (!name) return nameBox.focus()
      const key = this.add(name, true)
      nameBox.value = ''
      this.input(key, 'name').focus()
    }
    document.getElementById('add-child').addEventListener('click', add)
    nameBox.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); add() } })
  }

  cards () { return [...this.root.querySelectorAll('.cn-child')] }
  card (key) { return document.getElementById(`child-${key}`) }
  input (key, field) { return document.getElementById(`child-${key}-${field}`) }
  name (key) { return this.names[key] || key }

  // The children on the visit, in order: [{key, name}].
  onVisit () { return this.cards().filter((c) => !c.hidden).map((c) => ({ key: c.dataset.childKey, name: this.name(c.dataset.childKey) })) }

  onInput (event) {
    const box = event.target.closest('input[data-child-field]')
    if (!box || box.type === 'radio') return
    const { childKey: key, childField: field } = box.dataset
    const text = box.value.trim()
    if (field === 'name') {
      if (!text) return // a child keeps a name; taking them off the visit is the button
      this.autosave.edit(`child:${key}:name`, text)
      this.rename(key, text)
    } else if (field === 'age') {
      if (text && !/^\d{1,2}$/.test(text)) return
      this.autosave.edit(`child:${key}:age`, text ? Number(text) : null)
    } else if (field === 'case_reference') {
      this.autosave.edit(`child:${key}:case_reference`, text)
    }
  }

  onRadio (event) {
    const radio = event.target.closest('input[type=radio][data-child-field]')
    if (radio) this.autosave.edit(`child:${radio.dataset.childKey}:${radio.dataset.childField}`, RADIO[radio.value])
  }

  rename (key, name) {
    this.names[key] = name
    const card = this.card(key)
    if (card) {
      for (const el of card.querySelectorAll('[data-child-name]')) el.textContent = name
      for (const legend of card.querySelectorAll('legend')) legend.textContent = legend.textContent.replace(/^Was (.*?)( seen|'s bedroom)/, `Was ${name}$2`)
    }
    const removed = this.removedList.querySelector(`li[data-child-key="${CSS.escape(key)}"] .cn-removed__name`)
    if (removed) removed.textContent = name
    this.onChange(this.onVisit())
  }

  // A child the recording missed; `edit` false when only showing another version's.
  add (name, edit) {
    const key = edit ? newKey() : name.key
    const label = edit ? name : name.name
    const html = this.template.innerHTML.replaceAll('__KEY__', key)
    const holder = document.createElement('div')
    holder.innerHTML = html
    const card = holder.firstElementChild
    for (const el of card.querySelectorAll('[data-child-name]')) el.textContent = label
    for (const legend of card.querySelectorAll('legend')) legend.textContent = legend.textContent.replace('__NAME__', label)
    card.querySelector(`#child-${key}-name`).value = label
    this.root.append(card)
    this.names[key] = label
    if (edit) {
      this.autosave.edit(`child:${key}:name`, label)
      this.announce(`${label} added to the visit: answer their questions and give their case reference`)
    }
    this.onChange(this.onVisit())
    return key
  }

  setOnVisit (key, onVisit, edit) {
    const card = this.card(key)
    if (!card) return
    card.hidden = !onVisit
    const listed = this.removedList.querySelector(`li[data-child-key="${CSS.escape(key)}"]`)
    if (onVisit && listed) listed.remove()
    if (!onVisit && !listed) {
      const li = document.createElement('li')
      li.dataset.childKey = key
      const name = Object.assign(document.createElement('span'), { className: 'cn-removed__name', textContent: this.name(key) })
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'govuk-button govuk-button--secondary cn-child-restore'
      button.dataset.childKey = key
      button.innerHTML = 'Put back<span class="govuk-visually-hidden"></span>'
      button.lastChild.textContent = ` ${this.name(key)}`
      li.append(name, ' ', button)
      this.removedList.append(li)
    }
    this.removedBox.hidden = this.removedList.children.length === 0
    if (edit) {
      this.autosave.edit(`child:${key}:removed`, !onVisit)
      this.announce(onVisit ? `${this.name(key)} is back on the visit` : `${this.name(key)} taken off this visit; their note will not be signed`)
      if (!onVisit) this.removedList.querySelector('button').focus()
    }
    this.onChange(this.onVisit())
  }

  // Put a child field's value on screen (restored edits, another version, a conflict choice).
  show (key, field, value) {
    if (!this.card(key)) {
      if (field !== 'name' || !value) return
      this.add({ key, name: value }, false)
      return
    }
    if (field === 'removed') return this.setOnVisit(key, !value, false)
    if (['name', 'age', 'case_reference'].includes(field)) {
      const box = this.input(key, field)
      const text = value === null || value === undefined ? '' : String(value)
      if (box.value.trim() !== text) box.value = text
      if (field === 'name' && value) this.rename(key, value)
      return
    }
    const radio = document.getElementById(`child-${key}-${field}-${value === true ? 'yes' : value === false ? 'no' : 'unknown'}`)
    if (radio) radio.checked = true
  }

  // The factors on each child's record, as the factor panel has them now.
  showFactors (onRecordOf) {
    for (const card of this.cards()) {
      const list = card.querySelector('[data-child-factors]')
      const found = onRecordOf(card.dataset.childKey)
      list.replaceChildren(...found.map((f) => {
        const li = document.createElement('li')
        li.innerHTML = '<span class="cn-code"></span> '
        li.firstChild.textContent = f.code
        li.append(f.label + (f.undecided ? ' (not decided yet)' : ''))
        return li
      }))
      if (!found.length) list.append(Object.assign(document.createElement('li'), { textContent: 'None' }))
    }
  }
}
