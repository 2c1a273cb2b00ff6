// A 409 shown to the worker: for each part both sides changed, the saved
// version and theirs side by side, and a choice. Nothing is overwritten until
// they choose; their version stays in this browser meanwhile.

import { splitKey, splitName } from './fields.js'

const YES_NO = { true: 'Yes', false: 'No', null: 'Not recorded' }
const DECISION_WORDS = { accepted: 'Accepted', rejected: 'Not included', undecided: 'Not decided' }
const TITLES = {
  'visit:contact_type': 'Type of visit',
  'visit:announced': 'Was the visit announced?',
  'visit:people': 'People present',
  'when:day': 'Date of the visit',
  'when:time': 'Time of the visit'
}
const CHILD_FIELD_WORDS = {
  name: 'name', age: 'age', case_reference: 'case reference', child_seen: 'seen',
  child_seen_alone: 'seen alone', bedroom_seen: 'bedroom seen', removed: 'on this visit'
}

function childName (key) {
  return document.querySelector(`#child-${CSS.escape(key)} [data-child-name]`)?.textContent.trim() || key
}

function describe (key, value) {
  const [kind, name] = splitKey(key)
  if (key === 'visit:announced') return YES_NO[String(value ?? null)]
  if (kind === 'child') {
    const field = splitName(name)[1]
    if (field === 'removed') return value ? 'Taken off the visit' : 'On the visit'
    if (field.endsWith('seen') || field.endsWith('alone')) return YES_NO[String(value ?? null)]
  }
  if (kind === 'factor') return DECISION_WORDS[value] || value
  return value === null || value === undefined || value === '' ? '(empty)' : String(value)
}

function titleOf (key) {
  const [kind, name] = splitKey(key)
  if (TITLES[key]) return TITLES[key]
  if (kind === 'section') return document.querySelector(`label[for="text-${CSS.escape(name)}"]`)?.textContent.trim() || name
  if (kind === 'child') {
    const [child, field] = splitName(name)
    return `${childName(child)}: ${CHILD_FIELD_WORDS[field] || field}`
  }
  const [code, child] = splitName(name)
  const several = document.querySelectorAll('.cn-child:not([hidden])').length > 1
  return `Factor ${code}${several ? ` for ${childName(child)}` : ''}`
}

function version (heading, text) {
  const div = document.createElement('div')
  div.className = 'cn-conflict__version'
  const h = document.createElement('h4')
  h.className = 'govuk-heading-s govuk-!-margin-bottom-1'
  h.textContent = heading
  const body = document.createElement('p')
  body.className = 'govuk-body cn-conflict__text'
  body.textContent = text
  div.append(h, body)
  return div
}

function button (text, choice, secondary = true) {
  const b = document.createElement('button')
  b.type = 'button'
  b.className = `govuk-button ${secondary ? 'govuk-button--secondary' : ''}`
  b.dataset.choice = choice
  b.textContent = text
  return b
}

export function showConflicts (items, { onChoose }) {
  const panel = document.getElementById('conflict')
  const list = document.getElementById('conflict-items')
  list.replaceChildren()
  for (const item of items) {
    const box = document.createElement('div')
    box.className = 'cn-conflict__item'
    box.dataset.key = item.key
    const h = document.createElement('h3')
    h.className = 'govuk-heading-s'
    h.textContent = titleOf(item.key)
    const versions = document.createElement('div')
    versions.className = 'cn-conflict__versions'
    versions.append(
      version('Saved version (from another tab or person)', describe(item.key, item.theirs)),
      version('Your version (kept on this device, not saved yet)', describe(item.key, item.mine))
    )
    const actions = document.createElement('div')
    actions.className = 'govuk-button-group'
    actions.append(button('Keep my version', 'mine', false), button('Keep the saved version', 'theirs'))
    if (item.key.startsWith('section:')) actions.append(button('Keep both', 'both'))
    actions.addEventListener('click', (event) => {
      const b = event.target.closest('button[data-choice]')
      if (!b) return
      onChoose(item.key, b.dataset.choice)
      box.remove()
      if (!list.children.length) panel.hidden = true
      else list.querySelector('button').focus()
    })
    box.append(h, versions, actions)
    list.append(box)
  }
  panel.hidden = false
  panel.scrollIntoView({ block: 'start' })
  panel.focus()
}
