"use client";

import type { RefObject } from "react";

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <small className="field-error" id={id} data-testid={id}>
      {message}
    </small>
  );
}

/** A labelled text input with its error under it; test ids are `<idPrefix>-field-<name>` and `<idPrefix>-error-<name>`. */
export function TextField(props: {
  label: string;
  name: string;
  idPrefix: string;
  value: string;
  error: string | undefined;
  disabled?: boolean;
  placeholder?: string;
  onChange(value: string): void;
}) {
  const { label, name, idPrefix, value, error, disabled, placeholder, onChange } = props;
  const errorId = `${idPrefix}-error-${name}`;
  return (
    <label className="field">
      {label}
      <input
        type="text"
        name={name}
        value={value}
        disabled={disabled}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
        data-testid={`${idPrefix}-field-${name}`}
      />
      <FieldError id={errorId} message={error} />
    </label>
  );
}

/**
 * The API key input: write-only and uncontrolled. React would copy a bound
 * value into the page's HTML, so the key lives only in the DOM input until it
 * is sent, and the form empties it then.
 */
export function ApiKeyField(props: {
  label: string;
  idPrefix: string;
  inputRef: RefObject<HTMLInputElement | null>;
  error: string | undefined;
  disabled?: boolean;
  placeholder: string;
  onInput(value: string): void;
}) {
  const { label, idPrefix, inputRef, error, disabled, placeholder, onInput } = props;
  const errorId = `${idPrefix}-error-apiKey`;
  return (
    <label className="field">
      {label}
      <input
        ref={inputRef}
        type="password"
        name="apiKey"
        autoComplete="new-password"
        spellCheck={false}
        disabled={disabled}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onInput={(event) => onInput(event.currentTarget.value)}
        data-testid={`${idPrefix}-field-apiKey`}
      />
      <FieldError id={errorId} message={error} />
    </label>
  );
}
