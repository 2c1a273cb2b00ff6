// Autosave of a draft under review, built so that no edit is ever lost:
// - every edit is written to localStorage at once, before any network call;
// - saves are PATCHes of only the changed fields, with If-Match: the version edited;
// - no connection / server down: kept on this device, retried, sent when back;
// - 409 (someone saved another version): a three-way comparison per field
//   (the value the edit started from, mine, theirs); fields only one side changed
//   merge by themselves, fields both changed go to the worker to choose.
//
// Fields are flat keys (fields.js): "section:<key>", "visit:<field>", "when:day",
// "child:<key>:<field>", "factor:<code>:<child key>".

import { apiFetch, ApiError, NetworkError } from './api.js'
import { editsBody, fieldsOf, valueIn } from './fields.js'


const RETRY_MS = [1000, 2000, 4000, 8000, 15000]

export class Autosave extends EventTarget {
  constructor ({ draftId, view, delayMs = 800, storage = window.localStorage }) {
    super()
    this.draftId = draftId
    this.url = `/api/drafts/${draftId}`
    this.storageKey = `casenote.draft.${draftId}.unsaved`
    this.storage = storage
    this.delayMs = delayMs
    this.server = fieldsOf(view.review) // the last version the server told us about
    this.version = view.version
    this.pending = { baseVersion: view.version, changes: {}, base: {} }
    this.conflicts = null
    this.saving = null
    this.timer = null
    this.retries = 0
    window.addEventListener('online', () => this.saveSoon(0))
    window.addEventListener('pagehide', () => this.persist())
  }

  // Edits left in this browser by an earlier page (offline, closed tab, crash).
  restore () {
    let stored = null
    try { stored = JSON.parse(this.storage.getItem(this.storageKey)) } catch { stored = null }
    if (!stored || !stored.changes || !Object.keys(stored.changes).length) return {}
    this.pending = { baseVersion: stored.baseVersion, changes: stored.changes, base: stored.base || {} }
    this.setState('pending')
    this.saveSoon(0)
    return { ...stored.changes }
  }

  hasUnsaved () { return Object.keys(this.pending.changes).length > 0 }

  edit (key, value) {
    const p = this.pending
    if (!(key in p.changes)) p.base[key] = valueIn(this.server, key)
    p.changes[key] = value
    if (p.base[key] === value && !this.conflicts?.some((c) => c.key === key)) {
      delete p.changes[key] // back to what the server has: nothing to send
      delete p.base[key]
    }
    this.persist()
    if (this.conflicts) return // wait for the worker's choice; the edit is kept
    this.setState(this.hasUnsaved() ? 'pending' : 'saved')
    this.saveSoon(this.delayMs)
  }

  persist () {
    if (this.hasUnsaved()) {
      this.storage.setItem(this.storageKey, JSON.stringify({ ...this.pending, keptAt: new Date().toISOString() }))
    } else {
      this.storage.removeItem(this.storageKey)
    }
  }

  saveSoon (delay) {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.save(), delay)
  }

  // Send what is unsaved; resolves when the server has it or it is kept for later.
  async save () {
    clearTimeout(this.timer)
    if (this.saving) return this.saving
    if (this.conflicts || !this.hasUnsaved()) return
    this.saving = this._send().finally(() => { this.saving = null })
    return this.saving
  }

  async _send () {
    const sent = { ...this.pending.changes }
    this.setState('saving')
    try {
      const { data } = await apiFetch(this.url, {
        method: 'PATCH',
        headers: { 'If-Match': String(this.pending.baseVersion) },
        body: editsBody(sent)
      })
      this.retries = 0
      this.accept(data, sent)
    } catch (err) {
      this.failed(err)
    }
  }

  // The server applied `sent` to the version we edited: `saved` is its DraftSaved
  // answer (new version, undecided codes, census and confirm problems).
  accept (saved, sent) {
    this.version = saved.version
    const p = this.pending
    for (const [key, value] of Object.entries(sent)) {
      this.server[key] = value
      if (p.changes[key] === value) { delete p.changes[key]; delete p.base[key] } else p.base[key] = value
    }
    p.baseVersion = saved.version
    this.persist()
    this.dispatchEvent(new CustomEvent('saved', { detail: saved }))
    if (this.hasUnsaved()) this.saveSoon(this.delayMs)
    else this.setState('saved', { at: new Date() })
  }

  failed (err) {
    if (err instanceof ApiError && err.status === 409) return this.conflict(err.problem)
    if (err instanceof ApiError && err.status === 401) return this.retryLater('signed-out')
    if (err instanceof NetworkError) return this.retryLater(navigator.onLine ? 'unreachable' : 'offline')
    if (err instanceof ApiError && err.status >= 500) return this.retryLater('unreachable')
    // 4xx other than the above: kept here, shown, not retried until the next edit.
    this.setState('error', { message: err.message })
  }

  retryLater (state) {
    this.setState(state)
    const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)]
    this.retries += 1
    this.saveSoon(delay)
  }

  // 409: compare per field what the edit started from, mine and theirs. The
  // problem carries the current ReviewState and its version.
  conflict (problem) {
    const current = problem.current
    if (!current || !current.sections || !problem.current_version) {
      // e.g. the draft was confirmed meanwhile: keep the edits here, say why.
      return this.setState('error', { message: problem.detail || 'the draft was changed elsewhere; reload the page' })
    }
    const theirs = fieldsOf(current)
    const p = this.pending
    const items = []
    for (const [key, mine] of Object.entries(p.changes)) {
      const their = valueIn(theirs, key)
      if (their === mine) { delete p.changes[key]; delete p.base[key]; continue }
      if (their !== p.base[key]) items.push({ key, base: p.base[key], mine, theirs: their })
      else p.base[key] = their
    }
    this.server = theirs
    this.version = problem.current_version
    p.baseVersion = problem.current_version
    this.persist()
    // Show the other version's changes in every field not being edited here.
    this.dispatchEvent(new CustomEvent('remote', { detail: { fields: theirs, skip: new Set(Object.keys(p.changes)), by: problem.updated_by } }))
    if (!items.length) {
      this.setState('pending')
      return this.saveSoon(0)
    }
    this.conflicts = items
    this.setState('conflict')
    this.dispatchEvent(new CustomEvent('conflict', { detail: items }))
  }

  // The worker chose for one conflicting field: 'mine', 'theirs' or (text) 'both'.
  resolve (key, choice) {
    const item = this.conflicts.find((c) => c.key === key)
    const p = this.pending
    let value
    if (choice === 'theirs') {
      value = item.theirs
      delete p.changes[key]
      delete p.base[key]
    } else {
      value = choice === 'both' ? `${item.theirs}\n\n${p.changes[key]}` : p.changes[key]
      p.changes[key] = value
      p.base[key] = item.theirs
    }
    this.conflicts = this.conflicts.filter((c) => c.key !== key)
    if (!this.conflicts.length) this.conflicts = null
    this.persist()
    if (!this.conflicts) {
      this.setState(this.hasUnsaved() ? 'pending' : 'saved')
      this.saveSoon(0)
    }
    return value
  }

  setState (state, extra = {}) {
    this.state = state
    this.dispatchEvent(new CustomEvent('state', { detail: { state, ...extra } }))
  }
}
