import type { ProfileConflict, ProfileField, ProfileView } from "@/domain/profile/schema";
import { newRequestId, retryTransient } from "../live/send";
import { errorCode, errorMessage, isClientError, type AppClient } from "../live/trpc";
import {
  adoptBase,
  afterSave,
  buildPatch,
  dirtyFields,
  discardDraft,
  editDraft,
  rebase,
  serverFieldErrors,
  validateField,
  type Drafts,
} from "./form";
import { mergeProfile, PROFILE_KEY, type ProfileStore } from "./store";

export type ProfileSaveState =
  | { phase: "idle" }
  | { phase: "saving"; fields: ProfileField[] }
  | { phase: "saved"; version: number }
  | { phase: "error"; message: string }
  | { phase: "conflict" };

export interface EditorSnapshot {
  drafts: Drafts;
  save: ProfileSaveState;
  /** Fields whose save was refused because they changed elsewhere: the trader chooses. */
  conflicts: ProfileField[];
  /** Messages from the server's validation, per field (cleared when the field is edited). */
  serverErrors: Partial<Record<ProfileField, string>>;
}

export type SendProfileUpdate = (input: {
  patch: Partial<Record<ProfileField, string | null>>;
  base: Partial<Record<ProfileField, string | null>>;
  requestId: string;
}) => Promise<ProfileView>;

/**
 * The profile form of one tab: drafts, the save in flight and the conflicts
 * waiting for a choice. One save at a time; it sends only the changed fields
 * with the values they started from as `base`, and a request id that stays
 * the same across network retries. Everything it learns (responses, the
 * `current` of a CONFLICT) goes into the version-aware store, and every change
 * of the store is folded into the drafts without overwriting an edit.
 */
export class ProfileEditor {
  readonly #store: ProfileStore;
  readonly #send: SendProfileUpdate;
  #snapshot: EditorSnapshot = { drafts: {}, save: { phase: "idle" }, conflicts: [], serverErrors: {} };
  readonly #listeners = new Set<() => void>();

  constructor(store: ProfileStore, send: SendProfileUpdate) {
    this.#store = store;
    this.#send = send;
  }

  static forClient(store: ProfileStore, client: AppClient): ProfileEditor {
    return new ProfileEditor(store, (input) => client.profile.update.mutate(input));
  }

  snapshot = (): EditorSnapshot => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Follows the store while the form is mounted; returns the unsubscribe. */
  attach(): () => void {
    this.#rebase();
    return this.#store.subscribe(() => this.#rebase());
  }

  get stored(): ProfileView | undefined {
    return this.#store.get(PROFILE_KEY);
  }

  edit(field: ProfileField, text: string): void {
    const { [field]: _cleared, ...serverErrors } = this.#snapshot.serverErrors;
    const save = this.#snapshot.save.phase === "saved" ? { phase: "idle" as const } : this.#snapshot.save;
    this.#set({ drafts: editDraft(this.#snapshot.drafts, field, text, this.stored), serverErrors, save });
  }

  /** "Use theirs" / "Keep theirs": drop the edit, show the stored value. */
  keepTheirs(field: ProfileField): void {
    const conflicts = this.#snapshot.conflicts.filter((f) => f !== field);
    this.#set({
      drafts: discardDraft(this.#snapshot.drafts, field),
      conflicts,
      save: conflicts.length === 0 && this.#snapshot.save.phase === "conflict" ? { phase: "idle" } : this.#snapshot.save,
    });
  }

  /** "Apply mine": re-send this field over the newer value the trader has now seen. */
  applyMine(field: ProfileField): void {
    if (this.#snapshot.save.phase === "saving") return;
    const current = this.stored?.[field] ?? null;
    this.#set({ drafts: adoptBase(this.#snapshot.drafts, field, current), conflicts: this.#snapshot.conflicts.filter((f) => f !== field) });
    void this.save([field]);
  }

  /**
   * Saves the changed fields (or only `fields`). Fields waiting for a conflict
   * choice are left out of a plain Save: they would fail the whole call again.
   */
  async save(fields?: ProfileField[]): Promise<void> {
    if (this.#snapshot.save.phase === "saving") return;
    const { drafts, conflicts } = this.#snapshot;
    const only = fields ?? dirtyFields(drafts).filter((field) => !conflicts.includes(field));
    const request = buildPatch(drafts, only);
    if (!request) {
      // Nothing left to send (e.g. the store already holds the typed value).
      if (this.#snapshot.save.phase === "conflict" && conflicts.length === 0) this.#set({ save: { phase: "idle" } });
      return;
    }
    const invalid = Object.keys(request.patch).filter((field) => validateField(field as ProfileField, drafts[field as ProfileField]!.text));
    if (invalid.length) {
      this.#set({ save: { phase: "error", message: `Fix ${invalid.join(", ")} first` } });
      return;
    }
    const sent = Object.keys(request.patch) as ProfileField[];
    this.#set({ save: { phase: "saving", fields: sent } });
    const requestId = newRequestId();
    try {
      const view = await retryTransient(() => this.#send({ ...request, requestId }));
      mergeProfile(this.#store, view);
      this.#set({
        drafts: afterSave(this.#snapshot.drafts, request.patch, view),
        save: this.#snapshot.conflicts.length ? { phase: "conflict" } : { phase: "saved", version: view.version },
      });
    } catch (error) {
      const code = errorCode(error);
      if (code === "CONFLICT") {
        const details = conflictDetails(error);
        if (details?.current) mergeProfile(this.#store, details.current);
        const refused = Object.keys(details?.fields ?? {}) as ProfileField[];
        // Conflicts only for fields still edited (the store may already hold the typed value).
        const stillDirty = dirtyFields(this.#snapshot.drafts);
        const next = [...new Set([...this.#snapshot.conflicts, ...(refused.length ? refused : sent)])].filter((f) => stillDirty.includes(f));
        this.#set({ conflicts: next, save: next.length ? { phase: "conflict" } : { phase: "idle" } });
        return;
      }
      const fieldErrors = isClientError(error) ? (error.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors : undefined;
      this.#set({
        serverErrors: { ...this.#snapshot.serverErrors, ...serverFieldErrors(fieldErrors) },
        save: { phase: "error", message: errorMessage(error) },
      });
    }
  }

  #rebase(): void {
    const stored = this.stored;
    if (!stored) return;
    const drafts = rebase(this.#snapshot.drafts, stored);
    if (drafts === this.#snapshot.drafts) return;
    const stillDirty = dirtyFields(drafts);
    const conflicts = this.#snapshot.conflicts.filter((field) => stillDirty.includes(field));
    const save = conflicts.length === 0 && this.#snapshot.save.phase === "conflict" ? { phase: "idle" as const } : this.#snapshot.save;
    this.#set({ drafts, conflicts, save });
  }

  #set(partial: Partial<EditorSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...partial };
    for (const listener of [...this.#listeners]) listener();
  }
}

function conflictDetails(error: unknown): ProfileConflict | null {
  if (!isClientError(error)) return null;
  return (error.data as { details?: ProfileConflict } | undefined)?.details ?? null;
}
