// The review screen: wires the form to autosave, the audio player, the factor
// panel, conflicts and the keyboard.

import { Autosave } from './autosave.js'
import { AudioSync } from './audio-sync.js'
import { Children } from './children.js'
import { Factors } from './factors.js'
import { dayFrom, splitKey, splitName, timeFrom } from './fields.js'
import { showConflicts } from './conflict.js'

const root = document.getElementById('review')
const view = JSON.parse(document.getElementById('draft-state').textContent)
const autosave = new Autosave({ draftId: root.dataset.draftId, view })
const statusBox = document.getElementById('save-status')
const textareas = [...document.querySelectorAll('.cn-section-text')]

const live = Object.assign(document.createElement('div'), { className: 'govuk-visually-hidden' })
live.setAttribute('aria-live', 'polite')
document.body.append(live)
function announce (text) {
  live.textContent = ''
  window.setTimeout(() => { live.textContent = text }, 50)
}

// --- save state ------------------------------------------------------------
const MESSAGES = {
  saved: 'All changes saved',
  pending: 'Changes not saved yet',
  saving: 'Saving…',
  offline: 'Offline: your changes are kept on this device and will be saved when you are back online',
  unreachable: 'Cannot reach the server: your changes are kept on this device; trying again',
  'signed-out': 'You have been signed out: sign in again in a new tab; your changes are kept on this device',
  conflict: 'Not saved: this draft was changed somewhere else – choose what to keep',
  error: 'Not saved'
}
autosave.addEventListener('state', ({ detail }) => {
  let text = MESSAGES[detail.state]
  if (detail.state === 'saved' && detail.at) {
    text = `Saved at ${detail.at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`
  }
  if (detail.state === 'error' && detail.message) text = `${text}: ${detail.message}. Your changes are kept on this device.`
  statusBox.dataset.state = detail.state
  statusBox.querySelector('.cn-save-status__text').textContent = text
})

// --- the form ----------------------------------------------------------------
function grow (textarea) {
  textarea.style.height = 'auto'
  textarea.style.height = `${textarea.scrollHeight + 4}px`
}
for (const textarea of textareas) {
  grow(textarea)
  textarea.addEventListener('input', () => {
    grow(textarea)
    autosave.edit(`section:${textarea.dataset.sectionKey}`, textarea.value)
  })
}
const RADIO = { yes: true, no: false, unknown: null }
for (const radio of document.querySelectorAll('input[data-visit-field]')) {
  radio.addEventListener('change', () => autosave.edit(`visit:${radio.dataset.visitField}`, RADIO[radio.value]))
}
const contactType = document.getElementById('visit-contact_type')
contactType.addEventListener('input', () => autosave.edit('visit:contact_type', contactType.value.trim() || null))
const people = document.getElementById('visit-people')
people.addEventListener('input', () => autosave.edit('visit:people', people.value.trim()))

// The visit's date (three boxes) and time: saved once they make a date or a time.
const dateBoxes = ['day', 'month', 'year'].map((part) => document.getElementById(`visit-date-${part}`))
const timeBox = document.getElementById('visit-time')
function showWhenError (text) {
  const error = document.getElementById('visit-date-error')
  error.querySelector('.cn-error-text').textContent = text
  error.hidden = !text
  document.getElementById('visit-when').classList.toggle('govuk-form-group--error', Boolean(text))
}
function onWhen () {
  const day = dayFrom(...dateBoxes.map((box) => box.value.trim()))
  const time = timeFrom(timeBox.value)
  const problems = []
  if (day === null) problems.push('Enter the date of the visit as a real date, like 11 3 2025')
  if (time === null) problems.push('Enter the time as hours and minutes, like 16:00, or leave it empty')
  showWhenError(problems.join('. '))
  if (day !== null) autosave.edit('when:day', day)
  if (time !== null) autosave.edit('when:time', time)
}
for (const box of [...dateBoxes, timeBox]) box.addEventListener('input', onWhen)

// Put a field's value on screen (restored edits, another version, a conflict choice).
function showField (key, value) {
  const [kind, name] = splitKey(key)
  if (kind === 'section') {
    const textarea = document.getElementById(`text-${name}`)
    if (textarea && textarea.value !== value) { textarea.value = value; grow(textarea) }
  } else if (kind === 'visit') {
    if (name === 'contact_type') { if (contactType.value.trim() !== (value || '')) contactType.value = value || '' }
    else if (name === 'people') { if (people.value.trim() !== value) people.value = value }
    else {
      const radio = document.getElementById(`visit-${name}-${value === true ? 'yes' : value === false ? 'no' : 'unknown'}`)
      if (radio) radio.checked = true
    }
  } else if (kind === 'when') {
    if (name === 'day') {
      const [year, month, day] = value ? value.split('-') : ['', '', '']
      const shown = dayFrom(...dateBoxes.map((box) => box.value.trim()))
      if (shown !== value) [dateBoxes[0].value, dateBoxes[1].value, dateBoxes[2].value] = [String(Number(day) || ''), String(Number(month) || ''), year]
    } else if (timeFrom(timeBox.value) !== value) timeBox.value = value
  } else if (kind === 'child') {
    const [child, field] = splitName(name)
    children.show(child, field, value)
  } else if (kind === 'factor') {
    const [code, child] = splitName(name)
    factors.show(code, child, value)
  }
}

// --- audio and evidence ------------------------------------------------------
const audio = document.getElementById('audio')
const sync = audio ? new AudioSync(audio, root, document.getElementById('now-playing')) : null

function showEvidence (sentenceId, start) {
  const sentence = sentenceId && document.getElementById(sentenceId)
  if (sentence) {
    sentence.scrollIntoView({ block: 'center', behavior: window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' })
    sentence.classList.remove('cn-sentence--found')
    void sentence.offsetWidth // restart the highlight
    sentence.classList.add('cn-sentence--found')
    sentence.focus({ preventScroll: true })
  }
  if (sync && start !== undefined && start !== null && start !== '') sync.playFrom(parseFloat(start))
}

let factors = null // made below: the children's changes reach it once it is there
const children = new Children(document.getElementById('children'), {
  autosave,
  announce,
  onChange: (onVisit) => {
    if (!factors) return
    const keys = new Set(onVisit.map((c) => c.key))
    for (const key of Object.keys(children.names)) factors.setChildOnVisit(key, keys.has(key))
    factors.relabel(onVisit)
  }
})
factors = new Factors(document.getElementById('factors'), {
  autosave, onEvidence: showEvidence, announce, childName: (key) => children.name(key)
})
factors.addEventListener('change', () => children.showFactors((key) => factors.onRecordOf(key)))
children.showFactors((key) => factors.onRecordOf(key))

autosave.addEventListener('saved', ({ detail }) => {
  factors.showProblems(detail.census_problems || [])
  root.dataset.version = detail.version
})
autosave.addEventListener('remote', ({ detail }) => {
  for (const [key, value] of Object.entries(detail.fields)) if (!detail.skip.has(key)) showField(key, value)
  // Codes added here earlier but removed in the other version.
  for (const li of document.querySelectorAll('#added-list li')) {
    const key = `factor:${li.dataset.code}:${li.dataset.child}`
    if (!(key in detail.fields) && !detail.skip.has(key)) factors.show(li.dataset.code, li.dataset.child, 'rejected')
  }
})
autosave.addEventListener('conflict', ({ detail }) => {
  showConflicts(detail, { onChoose: (key, choice) => showField(key, autosave.resolve(key, choice)) })
})

// Edits kept in this browser from before (offline, a crash, a closed tab).
const restored = autosave.restore()
for (const [key, value] of Object.entries(restored)) showField(key, value)
if (Object.keys(restored).length) announce('Unsaved changes from this device were restored and are being saved')

// --- keyboard ----------------------------------------------------------------
function moveSection (step) {
  const i = textareas.indexOf(document.activeElement)
  const next = textareas[i === -1 ? (step > 0 ? 0 : textareas.length - 1) : i + step]
  if (next) { next.focus(); next.closest('section').scrollIntoView({ block: 'nearest' }) }
}
document.addEventListener('keydown', (event) => {
  if (event.altKey && !event.ctrlKey && !event.metaKey) {
    if (event.code === 'KeyK' && sync) { event.preventDefault(); sync.toggle() }
    else if (event.key === 'ArrowDown') { event.preventDefault(); moveSection(1) }
    else if (event.key === 'ArrowUp') { event.preventDefault(); moveSection(-1) }
    else if (event.code === 'KeyF') {
      event.preventDefault()
      const shown = factors.items().filter((li) => !li.hidden)
      const first = shown.find((li) => li.dataset.decision === 'undecided') || shown[0]
      ;(first || document.getElementById('factors')).focus()
    }
    return
  }
  if (event.target.matches('input, textarea, select')) return
  if (factors.onKey(event)) event.preventDefault()
})

// --- leaving for the confirm page: save first ---------------------------------
document.getElementById('to-confirm').addEventListener('click', async (event) => {
  if (!autosave.hasUnsaved()) return
  event.preventDefault()
  const href = event.currentTarget.href
  await autosave.save()
  if (!autosave.hasUnsaved()) window.location.href = href
  else announce('Your changes are not saved yet, so the note cannot be confirmed. They are kept on this device.')
})
