import clsx from 'clsx';

const LABEL = { up: ['▲', 'rise'], down: ['▼', 'drop'], mixed: ['◆', 'mixed'] } as const;

/** Which way a move went: "▼ drop", "▲ rise", or "◆ mixed" for an incident with both. */
export function DirectionLabel({
  direction,
  className,
}: {
  direction: 'up' | 'down' | 'mixed';
  className?: string;
}) {
  const [arrow, word] = LABEL[direction];
  return (
    <span
      className={clsx('inline-flex items-center gap-1 text-xs text-slate-600 dark:text-slate-400', className)}
    >
      <span aria-hidden>{arrow}</span>
      {word}
    </span>
  );
}
