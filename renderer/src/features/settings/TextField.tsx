// A labelled text input with a hint under it, as each free-text setting shows it.
import type { InputHTMLAttributes, ReactNode } from 'react';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  label: string;
  hint: ReactNode;
  value: string;
  onChange: (value: string) => void;
}

export function TextField({ label, hint, onChange, ...input }: TextFieldProps) {
  return (
    <label className="field">
      <span>{label}</span>
      <input {...input} onChange={(e) => onChange(e.target.value)} />
      <small className="muted">{hint}</small>
    </label>
  );
}
