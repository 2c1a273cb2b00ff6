// Start GOV.UK Frontend's components (skip link, radios, file upload, menus...).
import { initAll } from '/govuk/govuk-frontend.min.js'

initAll()
