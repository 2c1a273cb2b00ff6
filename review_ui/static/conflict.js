// A 409 shown to the worker: for each part both sides changed, the saved
// version and theirs side by side, and a choice. Nothing is overwritten until
// they choose; their version stays in this browser meanwhile.

import { splitKey } from './autosave.js'

const VISIT_WORDS = { true: 'Yes', false: 'No', null: 'Not recorded' }
const DECISION_WORDS = { accepted: 'Accepted', rejected: 'Not included', undecided: 'Not decided' }

function describe (key, value) {
  const [kind] = splitKey(key)
  if (kind === 'visit') return VISIT_WORDS[String(value ?? null)]
  if (kind === 'factor') return DECISION_WORDS[value] || value
  return value || '(empty)'
}

function titleOf (key) {
  const [kind, name] = splitKey(key)
  if (kind === 'section') return document.querySelector(`label[for="text-${CSS.escape(name)}"]`)?.textContent.trim() || name
  if (kind === 'visit') return document.querySelector(`#visit-${CSS.escape(name)}-hint`)?.closest('fieldset').querySelector('legend').textContent.trim() || name
  const factor = document.querySelector(`.cn-factor[data-code="${CSS.escape(name)}"] h3`)
  return `Factor ${factor ? factor.textContent.trim() : name}`
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
