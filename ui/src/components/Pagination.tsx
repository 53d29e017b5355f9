/** Server-side pagination: the page number and size are sent to the server, `total` comes back from it. */
export default function Pagination({
  page,
  size,
  total,
  onChange,
}: {
  page: number;
  size: number;
  total: number;
  onChange: (page: number, size: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <div className="pagination">
      <button type="button" disabled={page <= 1} onClick={() => onChange(page - 1, size)} aria-label="Previous page">
        ‹
      </button>
      <span>
        Page {page} of {pages} · {total} total
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onChange(page + 1, size)} aria-label="Next page">
        ›
      </button>
      <select value={size} onChange={(e) => onChange(1, Number(e.target.value))} aria-label="Page size">
        {[10, 25, 50, 100].map((n) => (
          <option key={n} value={n}>
            {n} / page
          </option>
        ))}
      </select>
    </div>
  );
}
