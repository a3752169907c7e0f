"use client";

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
