import { useQuery } from "@tanstack/react-query";
import { api } from "../api";

/** A namespace field that suggests the namespaces of the stored flows (a suggestion list, not a constraint). */
export default function NamespaceInput({
  id,
  value,
  onChange,
  placeholder,
  testId,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  testId?: string;
}) {
  const namespaces = useQuery({
    queryKey: ["flows", "distinct-namespaces"],
    queryFn: () => api<string[]>("/flows/distinct-namespaces"),
  });
  return (
    <>
      <input
        list={id}
        value={value}
        placeholder={placeholder}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id={id}>
        {(namespaces.data ?? []).map((ns) => (
          <option key={ns} value={ns} />
        ))}
      </datalist>
    </>
  );
}
