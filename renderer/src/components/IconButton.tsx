// A square button with an icon and a label for screen readers (and a tooltip for everyone else).
import { Icon, type IconName } from './Icon.js';

export function IconButton({ icon, label, onClick, disabled, tone }: { icon: IconName; label: string; onClick: () => void; disabled?: boolean; tone?: 'danger' }) {
  return (
    <button type="button" className={`icon-button${tone ? ` icon-button-${tone}` : ''}`} aria-label={label} title={label} onClick={onClick} disabled={disabled}>
      <Icon name={icon} />
    </button>
  );
}
