"use client";

import { useRef, useState, type FormEvent } from "react";
import { addProviderInput } from "@/domain/providers/schema";
import { errorMessage } from "../../live/trpc";
import { useProviderActions } from "../actions";
import { schemaErrors, serverFieldErrors, type FieldErrors } from "../form";
import { ApiKeyField, TextField } from "./provider-fields";

const EMPTY = { name: "", model: "", baseUrl: "", activate: false };

type Status = { kind: "idle" } | { kind: "saving" } | { kind: "added"; name: string } | { kind: "error"; message: string | null; fieldErrors: FieldErrors };

/**
 * The key input is uncontrolled and write-only: it is never prefilled, its
 * value is never held in React state (a controlled input mirrors its value
 * into the DOM's value attribute), and it is emptied as soon as it is sent.
 */
export function AddProviderForm({ first }: { first: boolean }) {
  const actions = useProviderActions();
  const keyRef = useRef<HTMLInputElement>(null);
  const [form, setForm] = useState(EMPTY);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const saving = status.kind === "saving";
  const fieldErrors = status.kind === "error" ? status.fieldErrors : {};

  const clearError = (field: string) => {
    if (status.kind !== "error" || !status.fieldErrors[field]) return;
    const { [field]: _, ...rest } = status.fieldErrors;
    setStatus({ ...status, fieldErrors: rest });
  };
  const change = (field: "name" | "model" | "baseUrl", value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    clearError(field);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const input = {
      name: form.name.trim(),
      model: form.model.trim(),
      apiKey: keyRef.current?.value.trim() ?? "",
      baseUrl: form.baseUrl.trim() || null,
      activate: form.activate,
    };
    const errors = schemaErrors(addProviderInput, input);
    if (errors) return setStatus({ kind: "error", message: errors["(input)"] ?? null, fieldErrors: errors });
    if (keyRef.current) keyRef.current.value = "";
    setStatus({ kind: "saving" });
    try {
      const added = await actions.add(input);
      setForm(EMPTY);
      setStatus({ kind: "added", name: added.name });
    } catch (error) {
      const fields = serverFieldErrors(error);
      setStatus({ kind: "error", message: fields ? (fields["(input)"] ?? null) : errorMessage(error), fieldErrors: fields ?? {} });
    }
  };

  return (
    <section className="card" aria-labelledby="add-provider-title">
      <h2 className="card-title" id="add-provider-title">Add provider</h2>
      <form className="provider-add" onSubmit={onSubmit} noValidate data-testid="provider-add-form">
        <div className="provider-fields">
          <TextField label="Name" name="name" idPrefix="provider-add" value={form.name} error={fieldErrors.name} disabled={saving} placeholder="OpenAI" onChange={(value) => change("name", value)} />
          <TextField label="Model" name="model" idPrefix="provider-add" value={form.model} error={fieldErrors.model} disabled={saving} placeholder="gpt-4o" onChange={(value) => change("model", value)} />
          <ApiKeyField
            label="API key"
            idPrefix="provider-add"
            inputRef={keyRef}
            error={fieldErrors.apiKey}
            disabled={saving}
            placeholder="Stored encrypted; only its last characters are ever shown"
            onInput={() => clearError("apiKey")}
          />
          <TextField
            label="Base URL"
            name="baseUrl"
            idPrefix="provider-add"
            value={form.baseUrl}
            error={fieldErrors.baseUrl}
            disabled={saving}
            placeholder="Optional: https://api.example.com/v1"
            onChange={(value) => change("baseUrl", value)}
          />
        </div>
        <div className="provider-edit-footer">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={first || form.activate}
              disabled={saving || first}
              onChange={(event) => setForm((current) => ({ ...current, activate: event.target.checked }))}
              data-testid="provider-add-activate"
            />
            Make active{first ? " (your first provider always is)" : ""}
          </label>
          <span
            className={`save-state save-${status.kind === "added" ? "saved" : status.kind}`}
            role={status.kind === "error" ? "alert" : undefined}
            aria-live="polite"
            data-testid="provider-add-status"
            data-state={status.kind}
          >
            {status.kind === "saving" ? "Adding…" : status.kind === "added" ? `Added ${status.name}` : status.kind === "error" ? (status.message ?? "Check the fields above") : ""}
          </span>
          <button type="submit" className="button button-primary" disabled={saving} data-testid="provider-add-submit">
            {saving ? "Adding…" : "Add provider"}
          </button>
        </div>
      </form>
    </section>
  );
}
