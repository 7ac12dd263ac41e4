// A labelled number input with an optional unit and hint.
import { useId } from 'react';

export function NumberField(props: { label: string; value: string; onChange: (value: string) => void; min?: number; max?: number; step?: number; unit?: string; hint?: string; disabled?: boolean; hideLabel?: boolean }) {
  const hintId = useId();
  return (
    <label className="field field-number">
      <span className={props.hideLabel ? 'visually-hidden' : undefined}>{props.label}</span>
      <span className="number-input">
        <input
          type="number"
          inputMode="decimal"
          value={props.value}
          min={props.min}
          max={props.max}
          step={props.step ?? 1}
          disabled={props.disabled}
          aria-describedby={props.hint ? hintId : undefined}
          onChange={(e) => props.onChange(e.target.value)}
        />
        {props.unit && <span className="unit muted">{props.unit}</span>}
      </span>
      {props.hint && (
        <small id={hintId} className="muted">
          {props.hint}
        </small>
      )}
    </label>
  );
}
