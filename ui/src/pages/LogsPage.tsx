// Being written (owned by one engineer at a time; see the UI work split).
export default function LogsPage() {
  return <div className="empty">LogsPage</div>;
}
