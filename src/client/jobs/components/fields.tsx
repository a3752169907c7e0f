"use client";

import type { ReactNode } from "react";

/** An error under its field; the id is the field's aria-describedby and its test id. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <small className="field-error" id={id} data-testid={id}>
      {message}
    </small>
  );
}

/**
 * A labelled control with its hint and error beside it. `idPrefix`-field-`name`
 * is the control's id and test id, `idPrefix`-error-`name` its error's.
 */
export function Field(props: { idPrefix: string; name: string; label: string; error?: string; hint?: ReactNode; className?: string; children: (control: ControlProps) => ReactNode }) {
  const { idPrefix, name, label, error, hint } = props;
  const id = `${idPrefix}-field-${name}`;
  const errorId = `${idPrefix}-error-${name}`;
  const hintId = hint ? `${idPrefix}-hint-${name}` : undefined;
  const describedBy = [error ? errorId : null, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${props.className ? ` ${props.className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {props.children({ id, "data-testid": id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {hint && (
        <small className="hint" id={hintId}>
          {hint}
        </small>
      )}
      <FieldError id={errorId} message={error} />
    </div>
  );
}

export interface ControlProps {
  id: string;
  "data-testid": string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/** Every IANA zone this browser knows, for the zone inputs' suggestions (one list per page). */
export function TimeZoneOptions({ id }: { id: string }) {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    // An old browser: the input still takes any zone, the server checks it.
  }
  return (
    <datalist id={id}>
      {["UTC", ...zones.filter((zone) => zone !== "UTC")].map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}

export const TIME_ZONE_LIST_ID = "job-time-zones";
