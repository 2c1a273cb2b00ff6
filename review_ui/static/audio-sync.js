// The recording beside the note: selecting a sentence plays from its start, and
// the sentence being heard is marked (outline and a "Playing" label, not colour
// alone) while the audio runs.

function clock (seconds) {
  const s = Math.max(0, Math.floor(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export class AudioSync {
  constructor (audio, root, nowPlaying) {
    this.audio = audio
    this.nowPlaying = nowPlaying
    this.sentences = [...root.querySelectorAll('button.cn-sentence[data-start]')]
      .map((el) => ({ el, start: parseFloat(el.dataset.start), end: parseFloat(el.dataset.end) }))
      .sort((a, b) => a.start - b.start)
    this.current = null
    for (const s of this.sentences) s.el.addEventListener('click', () => this.playFrom(s.start))
    const update = () => this.mark(this.audio.currentTime)
    audio.addEventListener('timeupdate', update)
    audio.addEventListener('seeked', update)
    audio.addEventListener('play', () => this.tick())
    audio.addEventListener('pause', () => this.stopped(`Paused at ${clock(audio.currentTime)}`))
    audio.addEventListener('ended', () => this.stopped(''))
  }

  // Smoother than timeupdate's ~4 updates a second while it plays.
  tick () {
    if (this.audio.paused) return
    this.mark(this.audio.currentTime)
    window.requestAnimationFrame(() => this.tick())
  }

  sentenceAt (t) {
    let found = null
    for (const s of this.sentences) {
      if (s.start <= t + 0.01) found = s
      else break
    }
    return found && t <= Math.max(found.end, found.start) + 0.5 ? found : null
  }

  // Nothing is playing now: no sentence is marked as playing.
  stopped (words) {
    if (this.current) {
      this.current.el.classList.remove('cn-sentence--playing')
      this.current.el.removeAttribute('aria-current')
      this.current = null
    }
    if (this.nowPlaying) this.nowPlaying.textContent = words
  }

  mark (t) {
    // Paused (and not about to play from a sentence): nothing is marked as playing.
    if (this.audio.paused && !this.starting) return this.stopped(`Paused at ${clock(t)}`)
    const s = this.sentenceAt(t)
    if (s === this.current) return
    if (this.current) {
      this.current.el.classList.remove('cn-sentence--playing')
      this.current.el.removeAttribute('aria-current')
    }
    this.current = s
    if (s) {
      s.el.classList.add('cn-sentence--playing')
      s.el.setAttribute('aria-current', 'true')
    }
    if (this.nowPlaying) {
      this.nowPlaying.textContent = s ? `At ${clock(t)} – the marked sentence is playing` : ''
    }
  }

  async playFrom (seconds) {
    const audio = this.audio
    if (audio.readyState < 1) {
      await new Promise((resolve) => audio.addEventListener('loadedmetadata', resolve, { once: true }))
    }
    this.starting = true
    audio.currentTime = seconds
    this.mark(seconds)
    try {
      await audio.play()
    } catch { /* no output device or autoplay refused: position is still set */ } finally {
      this.starting = false
      if (audio.paused) this.stopped(`Paused at ${clock(seconds)}`)
    }
  }

  toggle () {
    if (this.audio.paused) return this.audio.play().catch(() => {})
    this.audio.pause()
  }
}
