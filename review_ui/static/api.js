// Calls to the casenote JSON API from the pages: session cookie sent by the
// browser, CSRF token header on every request that changes something.

export class ApiError extends Error {
  constructor (status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`)
    this.status = status
    this.problem = problem || {}
  }
}

// The request never reached the server (offline, server down, connection reset).
export class NetworkError extends Error {}

export function csrfToken () {
  const meta = document.querySelector('meta[name="csrf-token"]')
  if (meta && meta.content) return meta.content
  const cookie = document.cookie.split('; ').find((c) => c.startsWith('casenote_csrf='))
  return cookie ? decodeURIComponent(cookie.split('=')[1]) : ''
}

export async function apiFetch (path, { method = 'GET', body, headers = {}, signal } = {}) {
  const init = { method, headers: { Accept: 'application/json, application/problem+json', ...headers }, credentials: 'same-origin', signal }
  if (method !== 'GET' && method !== 'HEAD') init.headers['X-CSRF-Token'] = csrfToken()
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let response
  try {
    response = await fetch(path, init)
  } catch (err) {
    if (err.name === 'AbortError') throw err
    throw new NetworkError(err.message)
  }
  const type = response.headers.get('Content-Type') || ''
  const data = type.includes('json') ? await response.json().catch(() => null) : null
  if (!response.ok) throw new ApiError(response.status, data)
  return { data, response }
}

// A multipart upload with progress events (fetch cannot report upload progress).
export function uploadWithProgress (url, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.setRequestHeader('X-CSRF-Token', csrfToken())
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json')
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total)
    })
    xhr.addEventListener('load', () => {
      let data = null
      try { data = JSON.parse(xhr.responseText) } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data)
      else reject(new ApiError(xhr.status, data))
    })
    xhr.addEventListener('error', () => reject(new NetworkError('upload failed: no connection to the server')))
    xhr.addEventListener('abort', () => reject(new NetworkError('upload cancelled')))
    xhr.send(formData)
  })
}

// Problem responses list reasons in different fields; show whichever is there.
export function problemMessages (error) {
  const p = error.problem || {}
  const list = p.errors || p.reasons || p.problems
  if (Array.isArray(list) && list.length) return list.map((e) => (typeof e === 'string' ? e : e.msg || e.detail || JSON.stringify(e)))
  return [error.message]
}
