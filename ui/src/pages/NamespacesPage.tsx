// Being written (owned by one engineer at a time; see the UI work split).
export default function NamespacesPage() {
  return <div className="empty">NamespacesPage</div>;
}
