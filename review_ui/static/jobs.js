// Following a transcription job until its draft is ready.

import { apiFetch, NetworkError } from './api.js'

const POLL_MS = 1500

export function jobText (job) {
  const percent = Math.round((job.progress || 0) * 100)
  if (job.status === 'queued') return 'Waiting to start'
  if (job.status === 'running' && job.stage === 'drafting') return 'Drafting the note'
  if (job.status === 'running') return `Transcribing: ${percent}%`
  if (job.status === 'done') return 'Ready for review'
  if (job.status === 'failed') return `Transcription failed: ${job.error || 'unknown error'}`
  return job.status
}

// Polls GET /api/jobs/{id}; `job` is what the upload (202) answered.
export function followJob (job, { status, bar, link, onDone }) {
  const id = job.job_id ?? job.id
  async function poll () {
    let current
    try {
      current = (await apiFetch(`/api/jobs/${id}`)).data
    } catch (err) {
      if (err instanceof NetworkError) status.textContent = 'Cannot reach the server; still trying…'
      else { status.textContent = `Could not get the progress: ${err.message}`; return }
      return window.setTimeout(poll, POLL_MS * 2)
    }
    status.textContent = jobText(current)
    if (bar) bar.value = Math.round((current.status === 'done' ? 1 : current.progress || 0) * 100)
    if (current.status === 'done') {
      if (link && current.draft_id) { link.href = `/drafts/${current.draft_id}`; link.hidden = false; link.focus() }
      if (onDone) onDone(current)
      return
    }
    if (current.status !== 'failed') window.setTimeout(poll, POLL_MS)
  }
  poll()
}
