// Being written (owned by one engineer at a time; see the UI work split).
export default function TriggersPage() {
  return <div className="empty">TriggersPage</div>;
}
