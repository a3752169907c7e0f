import { describe, expect, it } from "vitest";
import { toneDataUri } from "./notification-sound";

describe("notification sounds", () => {
  it("are small 16-bit mono PCM WAV data URIs with sound in them", () => {
    for (const sound of ["chime", "bell", "ping"] as const) {
      const uri = toneDataUri(sound);
      expect(uri.startsWith("data:audio/wav;base64,")).toBe(true);
      const bytes = Buffer.from(uri.slice("data:audio/wav;base64,".length), "base64");
      expect(bytes.toString("ascii", 0, 4)).toBe("RIFF");
      expect(bytes.toString("ascii", 8, 12)).toBe("WAVE");
      expect(bytes.readUInt16LE(22)).toBe(1);
      expect(bytes.readUInt16LE(34)).toBe(16);
      expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
      expect(bytes.length).toBeLessThan(64 * 1024);
      let peak = 0;
      for (let i = 44; i < bytes.length; i += 2) peak = Math.max(peak, Math.abs(bytes.readInt16LE(i)));
      expect(peak, sound).toBeGreaterThan(8000);
    }
  });
});
