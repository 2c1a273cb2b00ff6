// The confirmed note: ask for another delivery attempt after a failure.

import { apiFetch, problemMessages } from './api.js'

const status = document.getElementById('retry-status')
for (const button of document.querySelectorAll('.cn-retry')) {
  button.addEventListener('click', async () => {
    button.disabled = true
    try {
      await apiFetch(button.dataset.url, { method: 'POST' })
      window.location.reload()
    } catch (err) {
      status.textContent = `Could not ask for another try: ${problemMessages(err).join('; ')}`
      button.disabled = false
    }
  })
}
