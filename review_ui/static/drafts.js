// My drafts: live progress for recordings still being transcribed.

import { apiFetch, problemMessages } from './api.js'
import { followJob } from './jobs.js'

// A failed transcription keeps its audio: the worker can ask for another try.
for (const button of document.querySelectorAll('.cn-retry-job')) {
  button.addEventListener('click', async () => {
    button.disabled = true
    try {
      await apiFetch(`/api/jobs/${button.dataset.jobId}/retry`, { method: 'POST' })
      window.location.reload()
    } catch (err) {
      button.insertAdjacentText('afterend', ` Could not retry: ${problemMessages(err).join('; ')}`)
      button.disabled = false
    }
  })
}

for (const row of document.querySelectorAll('tr[data-job-id]')) {
  const cell = row.querySelector('.cn-status-cell')
  const tag = cell.querySelector('.govuk-tag')
  const bar = cell.querySelector('progress')
  const text = cell.querySelector('.cn-progress__text')
  const status = { set textContent (value) { tag.textContent = value.replace(/: \d+%$/, '') } }
  followJob({ id: row.dataset.jobId }, {
    status,
    bar: {
      set value (v) { if (bar) bar.value = v; if (text) text.textContent = `${v}%` }
    },
    // Ready: the row becomes a link to the draft, so reload the list.
    onDone: () => window.location.reload()
  })
}
