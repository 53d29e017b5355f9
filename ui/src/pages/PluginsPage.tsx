// Being written (owned by one engineer at a time; see the UI work split).
export default function PluginsPage() {
  return <div className="empty">PluginsPage</div>;
}
