"use client";

import type { ReactNode } from "react";

/** What is stored now beside the trader's unsaved value. */
export function Compare(props: { theirs: ReactNode; mine: ReactNode; theirsTestId: string; mineTestId: string; theirsTitle?: string; theirsFooter?: ReactNode }) {
  return (
    <div className="compare">
      <div className="compare-side">
        <div className="compare-title">{props.theirsTitle ?? "Theirs · now stored"}</div>
        <div className="compare-value" data-testid={props.theirsTestId}>{props.theirs}</div>
        {props.theirsFooter}
      </div>
      <div className="compare-side compare-mine">
        <div className="compare-title">Yours · not saved</div>
        <div className="compare-value" data-testid={props.mineTestId}>{props.mine}</div>
      </div>
    </div>
  );
}

export interface Choice {
  label: string;
  testId: string;
  disabled?: boolean;
  onChoose(): void;
}

/** The two ways out of a conflict; neither drops a side unasked. */
export interface ConflictChoices {
  keepTheirs: Choice;
  applyMine: Choice;
}

function Choices({ keepTheirs, applyMine }: ConflictChoices) {
  return (
    <div className="conflict-actions">
      <button type="button" className="button" disabled={keepTheirs.disabled} onClick={keepTheirs.onChoose} data-testid={keepTheirs.testId}>
        {keepTheirs.label}
      </button>
      <button type="button" className="button button-primary" disabled={applyMine.disabled} onClick={applyMine.onChoose} data-testid={applyMine.testId}>
        {applyMine.label}
      </button>
    </div>
  );
}

export interface ConflictField {
  field: string;
  label: string;
  theirs: ReactNode;
  mine: ReactNode;
  testId?: string;
  /** A choice per field; otherwise the panel's choices cover every field. */
  choices?: ConflictChoices;
}

/**
 * A save was refused because these fields changed elsewhere: each field's stored
 * and unsaved value side by side, and the trader's choice. Value test ids are
 * `<testIdPrefix>-theirs-<field>` and `<testIdPrefix>-mine-<field>`.
 */
export function ConflictPanel(props: {
  testId: string;
  testIdPrefix: string;
  title: string;
  description: string;
  fields: readonly ConflictField[];
  theirsTitle?: string;
  choices?: ConflictChoices;
}) {
  const { testIdPrefix } = props;
  return (
    <div className="conflict-panel" role="alert" data-testid={props.testId}>
      <h3>{props.title}</h3>
      <p className="muted">{props.description}</p>
      {props.fields.map((row) => (
        <div className="conflict-row" key={row.field} data-testid={row.testId} data-field={row.field}>
          <div className="conflict-label">{row.label}</div>
          <Compare
            theirs={row.theirs}
            mine={row.mine}
            theirsTitle={props.theirsTitle}
            theirsTestId={`${testIdPrefix}-theirs-${row.field}`}
            mineTestId={`${testIdPrefix}-mine-${row.field}`}
          />
          {row.choices && <Choices {...row.choices} />}
        </div>
      ))}
      {props.choices && <Choices {...props.choices} />}
    </div>
  );
}
