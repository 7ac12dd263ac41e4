// A row whose page is still being read: the row's shape in quiet bars, so scrolling far through a long
// list shows where rows will be without drawing any of them.
import { memo } from 'react';

export const PlaceholderRow = memo(function PlaceholderRow({
  rowIndex,
  tabIndex,
}: {
  rowIndex: number;
  tabIndex: number;
}) {
  return (
    <div
      className="row row-placeholder"
      role="row"
      aria-label="Loading…"
      aria-busy="true"
      aria-rowindex={rowIndex}
      tabIndex={tabIndex}
    >
      <div className="cell cell-name" role="cell">
        <span className="skeleton skeleton-name" />
        <span className="skeleton skeleton-destination" />
      </div>
      <div className="cell cell-size" role="cell">
        <span className="skeleton skeleton-number" />
      </div>
      <div className="cell cell-progress" role="cell">
        <span className="skeleton skeleton-bar" />
      </div>
      <div className="cell cell-rate" role="cell" />
      <div className="cell cell-eta" role="cell" />
      <div className="cell cell-state" role="cell">
        <span className="skeleton skeleton-state" />
      </div>
      <div className="cell cell-actions" role="cell" />
    </div>
  );
});
