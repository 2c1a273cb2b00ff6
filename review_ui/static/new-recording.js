// New recording: record in the browser or choose/drop a file, then upload with a
// progress bar and follow the transcription job until the draft is ready.

import { uploadWithProgress, problemMessages } from './api.js'
import { Recorder, recordingSupported } from './recorder.js'
import { followJob } from './jobs.js'

const form = document.getElementById('recording-form')
const fileInput = document.getElementById('audio')
const submit = document.getElementById('upload-submit')

// --- choosing or dropping a file -----------------------------------------------
// A native file input (it takes drops itself) inside a larger drop zone.
const zone = document.getElementById('drop-zone')
const chosen = document.getElementById('audio-chosen')
fileInput.addEventListener('change', () => {
  const file = fileInput.files[0]
  chosen.textContent = file ? `Chosen: ${file.name} (${(file.size / 1048576).toFixed(1)} MB)` : ''
})
for (const type of ['dragenter', 'dragover']) {
  zone.addEventListener(type, (event) => {
    event.preventDefault()
    zone.classList.add('cn-drop-zone--dragging')
  })
}
zone.addEventListener('dragleave', (event) => {
  if (!zone.contains(event.relatedTarget)) zone.classList.remove('cn-drop-zone--dragging')
})
zone.addEventListener('drop', (event) => {
  event.preventDefault()
  zone.classList.remove('cn-drop-zone--dragging')
  const file = event.dataTransfer && event.dataTransfer.files[0]
  if (!file) return
  const transfer = new DataTransfer()
  transfer.items.add(file)
  fileInput.files = transfer.files
  fileInput.dispatchEvent(new Event('change', { bubbles: true }))
})

// --- errors (GOV.UK error summary + messages by the fields) -------------------
function showErrors (errors) {
  const summary = document.getElementById('upload-errors')
  const list = document.getElementById('upload-error-list')
  list.replaceChildren()
  for (const id of ['case-reference', 'child-references', 'audio']) {
    document.getElementById(`${id}-error`).hidden = true
    document.getElementById(`${id}-group`).classList.remove('govuk-form-group--error')
  }
  for (const { field, text } of errors) {
    const li = document.createElement('li')
    const a = document.createElement('a')
    a.href = `#${field}`
    a.textContent = text
    li.append(a)
    list.append(li)
    const message = document.getElementById(`${field}-error`)
    if (message) {
      message.querySelector('.cn-error-text').textContent = text
      message.hidden = false
      document.getElementById(`${field}-group`).classList.add('govuk-form-group--error')
    }
  }
  summary.hidden = errors.length === 0
  if (errors.length) { summary.focus(); document.title = `Error: ${document.title.replace(/^Error: /, '')}` }
}

// --- recording in the browser --------------------------------------------------
if (recordingSupported()) {
  const $ = (id) => document.getElementById(id)
  $('recorder').hidden = false
  $('file-heading').textContent = 'Or upload a recording'
  let recorder = null
  $('record-start').addEventListener('click', async () => {
    $('record-problem').hidden = true
    recorder = new Recorder()
    recorder.addEventListener('tick', ({ detail }) => {
      $('record-elapsed').textContent = detail.elapsed
      $('record-level').value = detail.level
      $('record-level').dataset.peak = detail.peak.toFixed(3)
      $('record-quiet').hidden = !detail.quiet
    })
    try {
      await recorder.start()
    } catch (err) {
      $('record-problem').textContent = err.name === 'NotAllowedError'
        ? 'The browser was not allowed to use the microphone. Allow it in the browser settings, or upload a file instead.'
        : `The microphone could not be started (${err.message}). You can upload a file instead.`
      $('record-problem').hidden = false
      return
    }
    $('record-start').hidden = true
    $('record-stop').hidden = false
    $('record-live').hidden = false
    $('record-done').hidden = true
    $('record-stop').focus()
  })
  $('record-stop').addEventListener('click', async () => {
    const { file, duration } = await recorder.stop()
    const transfer = new DataTransfer()
    transfer.items.add(file)
    fileInput.files = transfer.files
    fileInput.dispatchEvent(new Event('change', { bubbles: true }))
    $('record-stop').hidden = true
    $('record-live').hidden = true
    $('record-start').hidden = false
    $('record-start').textContent = 'Record again'
    $('record-preview').src = URL.createObjectURL(file)
    $('record-summary').textContent = `Your recording (${duration}) is ready. Play it back if you want, then select “Upload and transcribe”.`
    $('record-done').hidden = false
    submit.focus()
  })
}

// --- upload ------------------------------------------------------------------
form.addEventListener('submit', async (event) => {
  event.preventDefault()
  const errors = []
  if (!form.case_reference.value.trim()) errors.push({ field: 'case-reference', text: 'Enter the case reference' })
  if (!fileInput.files.length) errors.push({ field: 'audio', text: 'Record the visit note or choose an audio file' })
  showErrors(errors)
  if (errors.length) return

  const progress = document.getElementById('upload-progress')
  const bar = document.getElementById('upload-bar')
  const percent = document.getElementById('upload-percent')
  progress.hidden = false
  submit.disabled = true
  try {
    const job = await uploadWithProgress(form.action, new FormData(form), (fraction) => {
      bar.value = Math.round(fraction * 100)
      percent.textContent = `${Math.round(fraction * 100)}%`
    })
    form.hidden = true
    document.getElementById('after-upload').hidden = false
    document.getElementById('job-status').focus?.()
    followJob(job, {
      status: document.getElementById('job-status'),
      bar: document.getElementById('job-bar'),
      link: document.getElementById('review-link')
    })
  } catch (err) {
    const field = err.status === 413 || err.status === 415 || (err.status === 422 && /audio|file|silen/i.test(err.message))
      ? 'audio'
      : /child_references/.test(err.message) ? 'child-references' : 'case-reference'
    const texts = err.status ? problemMessages(err) : ['The upload did not reach the server. Check your connection and try again; nothing was lost.']
    showErrors(texts.map((text) => ({ field, text })))
  } finally {
    progress.hidden = true
    submit.disabled = false
  }
})
