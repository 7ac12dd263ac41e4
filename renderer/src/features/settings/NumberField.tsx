// A labelled number input with an optional unit, hint and error (tied to the input for screen readers).
import { useId } from 'react';

export function NumberField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  min?: number;
  max?: number;
  step?: number;
  unit?: string;
  hint?: string;
  error?: string;
  disabled?: boolean;
  hideLabel?: boolean;
  name?: string;
}) {
  const hintId = useId();
  const errorId = useId();
  const describedBy = [props.error ? errorId : '', props.hint ? hintId : ''].filter(Boolean).join(' ');
  return (
    <label className="field field-number">
      <span className={props.hideLabel ? 'visually-hidden' : undefined}>{props.label}</span>
      <span className="number-input">
        <input
          type="number"
          inputMode="decimal"
          name={props.name}
          value={props.value}
          min={props.min}
          max={props.max}
          step={props.step ?? 1}
          disabled={props.disabled}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(e) => props.onChange(e.target.value)}
        />
        {props.unit && <span className="unit muted">{props.unit}</span>}
      </span>
      {props.error && (
        <span id={errorId} className="field-error">
          {props.error}
        </span>
      )}
      {props.hint && (
        <small id={hintId} className="muted">
          {props.hint}
        </small>
      )}
    </label>
  );
}
