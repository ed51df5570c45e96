// @ts-check
// Makes a new action-level alarm impossible to miss: a spoken announcement (aria-live), a flashing
// banner, and a beep drawn with Web Audio (no sound file) that repeats while an action alarm waits
// for acknowledgement. Browsers allow sound only after a gesture, hence the sound toggle.
import { byId, setText } from './dom.js';

const SOUND_KEY = 'k14.alarmSound';

export class AlarmAnnunciator {
  /** @param {{ repeatMs: number }} options */
  constructor(options) {
    this.options = options;
    this.live = byId('announcer');
    this.polite = byId('announcer-polite');
    this.banner = byId('alarm-banner');
    this.toggle = byId('sound-toggle');
    /** @type {AudioContext | null} */
    this.audio = null;
    this.soundOn = localStorage.getItem(SOUND_KEY) === 'on';
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.repeat = undefined;
    this.toggle.addEventListener('click', () => this.setSound(!this.soundOn));
    this.renderToggle();
  }

  /** @param {boolean} on */
  setSound(on) {
    this.soundOn = on;
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
    this.renderToggle();
    if (on) this.beep();
  }

  renderToggle() {
    // A sound remembered as on still needs this click after a reload before the browser plays it.
    const blocked = this.soundOn && this.audio?.state !== 'running';
    this.toggle.setAttribute('aria-pressed', String(this.soundOn));
    setText(this.toggle, this.soundOn ? (blocked ? 'Alarm sound: on (click to allow)' : 'Alarm sound: on') : 'Alarm sound: off');
  }

  /**
   * Read out once by a screen reader: alarms and lost connections interrupt, other news waits.
   * @param {string} text
   * @param {'urgent' | 'polite'} [priority]
   */
  announce(text, priority = 'urgent') {
    const region = priority === 'urgent' ? this.live : this.polite;
    // Clearing first makes a repeated identical message be read again.
    region.textContent = '';
    window.setTimeout(() => (region.textContent = text), 50);
  }

  /**
   * A new action alarm: flash, announce, beep.
   * @param {string} text
   */
  raise(text) {
    this.announce(text);
    setText(byId('alarm-banner-text'), text);
    this.banner.hidden = false;
    document.body.dataset['alarm'] = 'action';
    this.beep();
  }

  /**
   * Called with the current list: the flash and the repeated beep last while an action alarm still
   * waits for acknowledgement, and stop once none does.
   * @param {number} unacknowledgedActions
   */
  standing(unacknowledgedActions) {
    if (unacknowledgedActions === 0) {
      this.banner.hidden = true;
      delete document.body.dataset['alarm'];
      clearInterval(this.repeat);
      this.repeat = undefined;
      return;
    }
    if (this.banner.hidden) {
      // Alarms found standing (page opened, connection back) rather than seen arriving.
      const text = `${unacknowledgedActions} ACTION alarm${unacknowledgedActions > 1 ? 's' : ''} waiting for acknowledgement`;
      setText(byId('alarm-banner-text'), text);
      this.banner.hidden = false;
      document.body.dataset['alarm'] = 'action';
      this.announce(text);
      this.beep();
    }
    if (this.repeat === undefined) this.repeat = setInterval(() => this.beep(), this.options.repeatMs);
  }

  beep() {
    if (!this.soundOn) return;
    try {
      this.audio ??= new AudioContext();
      if (this.audio.state === 'suspended') void this.audio.resume().then(() => this.renderToggle());
      const now = this.audio.currentTime;
      // Two falling tones, the classic alarm cue, with ramps so the speaker does not click.
      for (const [i, frequency] of [880, 660, 880, 660].entries()) {
        const start = now + i * 0.22;
        const oscillator = this.audio.createOscillator();
        const gain = this.audio.createGain();
        oscillator.type = 'square';
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0, start);
        gain.gain.linearRampToValueAtTime(0.15, start + 0.02);
        gain.gain.linearRampToValueAtTime(0, start + 0.18);
        oscillator.connect(gain).connect(this.audio.destination);
        oscillator.start(start);
        oscillator.stop(start + 0.2);
      }
    } catch {
      // No audio device (a wall screen without speakers): the banner and the announcement remain.
    }
    this.renderToggle();
  }
}
