// Failed actions, shown where the user sees them (app/actionErrors.ts collects them). Each message is an
// alert (read out when it appears) that stays until dismissed: with its button, or Escape for the newest.
import { useEffect, useSyncExternalStore } from 'react';
import type { ActionErrors } from '../app/actionErrors.js';
import { IconButton } from './IconButton.js';

export function ActionErrorToasts({ errors }: { errors: ActionErrors }) {
  const shown = useSyncExternalStore(errors.subscribe, errors.current, errors.current);
  const any = shown.length > 0;

  useEffect(() => {
    if (!any) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      errors.dismissNewest();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [errors, any]);

  return (
    <div className="toasts">
      {shown.map((e) => (
        <div key={e.id} className="toast" role="alert">
          <div className="toast-text">
            <strong>{e.action}</strong>
            <span>{e.message}</span>
          </div>
          <IconButton icon="cancel" label={`Dismiss: ${e.action}`} onClick={() => errors.dismiss(e.id)} />
        </div>
      ))}
    </div>
  );
}
