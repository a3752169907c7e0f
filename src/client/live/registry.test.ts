import { describe, expect, it, vi } from "vitest";
import type { SettingView } from "@/domain/settings/schema";
import { LiveRegistry, type LiveRegistration } from "./registry";

const theme = (version: number): SettingView<"theme"> => ({ key: "theme", value: "dark", version, isDefault: false, updatedAt: new Date("2026-01-02T03:04:05Z") });
const settingEvent = (seq: number, payload: unknown = theme(seq)) => ({ id: String(seq), seq, type: "setting.saved", entity: "setting", payload });

function registration<E extends LiveRegistration["entity"]>(entity: E) {
  return { entity, apply: vi.fn(), refetch: vi.fn() } satisfies LiveRegistration<E>;
}

describe("LiveRegistry", () => {
  it("hands an event, its payload parsed, to every registration of its entity and no other", () => {
    const registry = new LiveRegistry(() => {});
    const settings = registration("setting");
    const alsoSettings = registration("setting");
    const profile = registration("profile");
    for (const r of [settings, alsoSettings, profile]) registry.register(r);

    registry.dispatch(settingEvent(7));
    expect(settings.apply).toHaveBeenCalledWith({ id: "7", seq: 7, type: "setting.saved", entity: "setting", payload: theme(7) });
    expect(alsoSettings.apply).toHaveBeenCalledTimes(1);
    expect(profile.apply).not.toHaveBeenCalled();
  });

  it("reports an entity nobody registered, once, and applies nothing", () => {
    const warn = vi.fn();
    const registry = new LiveRegistry(warn);
    const settings = registration("setting");
    registry.register(settings);

    registry.dispatch({ id: "1", seq: 1, type: "job.finished", entity: "job", payload: {} });
    registry.dispatch({ id: "2", seq: 2, type: "job.started", entity: "job", payload: {} });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('"job"');
    expect(settings.apply).not.toHaveBeenCalled();
    expect(settings.refetch).not.toHaveBeenCalled();
  });

  it("refetches the entity, and reports once, when a payload does not match its schema", () => {
    const warn = vi.fn();
    const registry = new LiveRegistry(warn);
    const settings = registration("setting");
    registry.register(settings);

    registry.dispatch(settingEvent(3, { key: "theme", value: "purple", version: 3 }));
    registry.dispatch({ id: "4", seq: 4, type: "setting.renamed", entity: "setting", payload: theme(4) });
    registry.dispatch(settingEvent(5, { key: "theme" }));
    expect(settings.apply).not.toHaveBeenCalled();
    expect(settings.refetch).toHaveBeenCalledTimes(3);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it("refetches every registration on resync; a removed one is neither applied nor refetched", () => {
    const registry = new LiveRegistry(() => {});
    const settings = registration("setting");
    const tokens = registration("token");
    registry.register(settings);
    const unregister = registry.register(tokens);

    registry.refetchAll();
    expect(settings.refetch).toHaveBeenCalledTimes(1);
    expect(tokens.refetch).toHaveBeenCalledTimes(1);

    unregister();
    registry.refetchAll();
    registry.dispatch(settingEvent(9));
    expect(settings.refetch).toHaveBeenCalledTimes(2);
    expect(tokens.refetch).toHaveBeenCalledTimes(1);
    expect(settings.apply).toHaveBeenCalledTimes(1);
  });
});
