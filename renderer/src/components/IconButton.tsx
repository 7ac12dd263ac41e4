// A square button with an icon and a label for screen readers (and a tooltip for everyone else).
import type { Ref } from 'react';
import { Icon, type IconName } from './Icon.js';

export function IconButton({
  icon,
  label,
  onClick,
  disabled,
  tone,
  ref,
}: {
  icon: IconName;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  tone?: 'danger';
  ref?: Ref<HTMLButtonElement>;
}) {
  return (
    <button
      ref={ref}
      type="button"
      className={`icon-button${tone ? ` icon-button-${tone}` : ''}`}
      aria-label={label}
      title={label}
      onClick={onClick}
      disabled={disabled}
    >
      <Icon name={icon} />
    </button>
  );
}
