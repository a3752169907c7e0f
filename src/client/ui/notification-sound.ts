/**
 * The notification sounds, synthesized in code (no audio files to ship): each
 * is a short 16-bit mono WAV built once and played through an
 * HTMLAudioElement, so a test can count `HTMLMediaElement.prototype.play`.
 */

export type NotificationSound = "none" | "chime" | "bell" | "ping";

const SAMPLE_RATE = 22_050;

interface Tone {
  frequency: number;
  gain: number;
  /** Seconds after the start. */
  start: number;
  /** Exponential decay time constant, seconds. */
  decay: number;
}

const VOICES: Record<Exclude<NotificationSound, "none">, { seconds: number; partials: Tone[] }> = {
  // Two rising notes (E6, B6), soft.
  chime: {
    seconds: 0.7,
    partials: [
      { frequency: 1318.5, gain: 0.5, start: 0, decay: 0.18 },
      { frequency: 1975.5, gain: 0.45, start: 0.14, decay: 0.25 },
    ],
  },
  // A struck bell: inharmonic partials, long decay.
  bell: {
    seconds: 1.2,
    partials: [
      { frequency: 660, gain: 0.5, start: 0, decay: 0.45 },
      { frequency: 1584, gain: 0.22, start: 0, decay: 0.25 },
      { frequency: 2508, gain: 0.12, start: 0, decay: 0.12 },
    ],
  },
  // One short high blip.
  ping: { seconds: 0.3, partials: [{ frequency: 1760, gain: 0.55, start: 0, decay: 0.07 }] },
};

/** The sound as a `data:audio/wav;base64,…` URI. */
export function toneDataUri(sound: Exclude<NotificationSound, "none">): string {
  const { seconds, partials } = VOICES[sound];
  const samples = Math.round(seconds * SAMPLE_RATE);
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, value: string) => [...value].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true); // PCM header size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, SAMPLE_RATE, true);
  view.setUint32(28, SAMPLE_RATE * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  text(36, "data");
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) {
    const t = i / SAMPLE_RATE;
    let value = 0;
    for (const p of partials) {
      if (t < p.start) continue;
      const local = t - p.start;
      const attack = Math.min(1, local / 0.004); // no click at the onset
      value += p.gain * attack * Math.exp(-local / p.decay) * Math.sin(2 * Math.PI * p.frequency * local);
    }
    const fade = Math.min(1, (samples - i) / (SAMPLE_RATE * 0.01));
    view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, value * fade)) * 0x7fff, true);
  }
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:audio/wav;base64,${btoa(binary)}`;
}

const elements = new Map<string, HTMLAudioElement>();

/** Plays the sound once in this tab (nothing for "none"). A browser that refuses autoplay stays silent. */
export function playNotificationSound(sound: NotificationSound): void {
  if (sound === "none" || typeof Audio !== "function") return;
  let audio = elements.get(sound);
  if (!audio) {
    audio = new Audio(toneDataUri(sound));
    audio.preload = "auto";
    elements.set(sound, audio);
  }
  audio.currentTime = 0;
  void audio.play()?.catch(() => {
    // Autoplay refused until the trader interacts with the page: the toast still shows.
  });
}
