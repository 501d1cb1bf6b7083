/** Newer / older pages of a list read `pageSize` rows at a time, newest first. */
export function Pager(props: { offset: number; shown: number; hasMore: boolean | undefined; pageSize: number; noun: string; onOffset: (offset: number) => void }) {
  const { offset, shown, pageSize } = props;
  return (
    <div className="pager">
      <button type="button" className="small" disabled={offset === 0} onClick={() => props.onOffset(Math.max(0, offset - pageSize))}>
        ← Newer
      </button>
      <span className="muted">
        {props.noun} {shown ? offset + 1 : 0}–{offset + shown}
      </span>
      <button type="button" className="small" disabled={!props.hasMore} onClick={() => props.onOffset(offset + pageSize)}>
        Older →
      </button>
    </div>
  );
}
