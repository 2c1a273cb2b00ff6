// Dictation in the browser: MediaRecorder with an elapsed-time clock and an input
// level meter (Web Audio analyser). Works on phones: the container is chosen from
// what the browser can record (webm/opus on Chrome and Firefox, mp4/aac on Safari).

const TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4', 'audio/ogg;codecs=opus']
const QUIET_LEVEL = 0.01
const QUIET_WARN_MS = 5000

export function recordingSupported () {
  return Boolean(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia)
}

function clock (ms) {
  const s = Math.floor(ms / 1000)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const mmss = `${h ? String(m).padStart(2, '0') : m}:${String(s % 60).padStart(2, '0')}`
  return h ? `${h}:${mmss}` : mmss
}

export class Recorder extends EventTarget {
  async start () {
    // Made before the first await, while the click still counts as a user gesture:
    // an AudioContext made later may start suspended and the meter would stay at 0.
    const Context = window.AudioContext || window.webkitAudioContext
    this.context = new Context()
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: true, autoGainControl: true }
    })
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t)) || ''
    this.media = new MediaRecorder(this.stream, mimeType ? { mimeType } : {})
    this.chunks = []
    this.media.addEventListener('dataavailable', (e) => { if (e.data.size) this.chunks.push(e.data) })
    this.stopped = new Promise((resolve) => this.media.addEventListener('stop', resolve, { once: true }))
    // Chunks every second: a phone that locks or a tab that crashes loses at most a second.
    this.media.start(1000)
    this.startedAt = performance.now()
    this.lastSound = this.startedAt
    this.watchLevel()
    this.sampler = window.setInterval(() => this.sample(), 50)
    this.timer = window.setInterval(() => this.tick(), 250)
  }

  watchLevel () {
    if (this.context.state === 'suspended') this.context.resume()
    this.shown = 0
    this.peak = 0
    const source = this.context.createMediaStreamSource(this.stream)
    this.analyser = this.context.createAnalyser()
    this.analyser.fftSize = 1024
    source.connect(this.analyser)
    this.samples = new Float32Array(this.analyser.fftSize)
  }

  level () {
    this.analyser.getFloatTimeDomainData(this.samples)
    let peak = 0
    for (const v of this.samples) peak = Math.max(peak, Math.abs(v))
    // A peak meter on a dB scale: -60..0 dBFS shown as 0..1.
    const db = 20 * Math.log10(peak || 1e-6)
    return Math.min(1, Math.max(0, (db + 60) / 60))
  }

  // Sampled every 50 ms so that short sounds are not missed between ticks.
  sample () {
    const level = this.level()
    this.loudest = Math.max(this.loudest || 0, level)
  }

  tick () {
    const now = performance.now()
    const level = Math.max(this.loudest || 0, this.level())
    this.loudest = 0
    if (level > QUIET_LEVEL + 0.15) this.lastSound = now
    // Rise at once, fall slowly: short sounds stay visible on the meter.
    this.shown = Math.max(level, this.shown * 0.8)
    this.peak = Math.max(this.peak, level)
    this.dispatchEvent(new CustomEvent('tick', {
      detail: { elapsed: clock(now - this.startedAt), level: this.shown, peak: this.peak, quiet: now - this.lastSound > QUIET_WARN_MS }
    }))
  }

  async stop () {
    window.clearInterval(this.timer)
    window.clearInterval(this.sampler)
    this.media.stop()
    await this.stopped
    for (const track of this.stream.getTracks()) track.stop()
    await this.context.close()
    const type = (this.media.mimeType || 'audio/webm').split(';')[0]
    const extension = type === 'audio/mp4' ? 'm4a' : type === 'audio/ogg' ? 'ogg' : 'webm'
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')
    const ms = performance.now() - this.startedAt
    return { file: new File(this.chunks, `dictation-${stamp}.${extension}`, { type }), duration: clock(ms) }
  }
}
