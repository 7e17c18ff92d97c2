package dev.pullpolicy.api.selection;

import dev.pullpolicy.api.ReadmeTables;
import dev.pullpolicy.api.Yaml;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The selection tables of crds/README.md as rows: what a policy's {@code namespaces} or {@code
 * serviceAccounts} say, the object, and the documented answer. {@link SelectionTableTest} checks
 * the Java rules against them; the system tests run the same rows through the admission policy of
 * {@code deploy/} on a real API server.
 */
public final class SelectionRows {
  private static final Set<String> NAMESPACE_KEYS =
      Set.of("name", "labels", "annotations", "terminating", "phase");
  private static final Set<String> SERVICE_ACCOUNT_KEYS = Set.of("name", "labels");

  private SelectionRows() {}

  /**
   * A row of the namespaces table.
   *
   * @param selection {@code spec.namespaces} as written in the table (YAML), or {@code unset}
   * @param namespace the namespace as written in the table: {@code {name, labels, annotations,
   *     terminating, phase}}
   * @param verdict the documented verdict
   */
  public record NamespaceRow(String selection, String namespace, NamespaceVerdict verdict) {

    /** {@code spec.namespaces} as the model reads it; null when the table says {@code unset}. */
    public NamespaceSelection policySelection() {
      return "unset".equals(selection) ? null : Yaml.read(selection, NamespaceSelection.class);
    }

    /** The namespace's fields as written in the table. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> fields() {
      Map<String, Object> m = Yaml.read(namespace, Map.class);
      if (!NAMESPACE_KEYS.containsAll(m.keySet())) {
        throw new IllegalArgumentException("unknown keys in " + namespace);
      }
      return m;
    }

    public String name() {
      return (String) fields().get("name");
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> labels() {
      Map<String, String> l = (Map<String, String>) fields().get("labels");
      return l == null ? Map.of() : l;
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> annotations() {
      Map<String, String> a = (Map<String, String>) fields().get("annotations");
      return a == null ? Map.of() : a;
    }

    /** Being deleted: {@code terminating: true} or {@code phase: Terminating}. */
    public boolean terminating() {
      Map<String, Object> m = fields();
      return Boolean.TRUE.equals(m.get("terminating")) || "Terminating".equals(m.get("phase"));
    }

    /** The namespace as an object (a deletion timestamp for {@code terminating: true}). */
    public Namespace namespaceObject() {
      Map<String, Object> m = fields();
      NamespaceBuilder b =
          new NamespaceBuilder()
              .withNewMetadata()
              .withName(name())
              .withLabels(m.get("labels") == null ? null : labels())
              .withAnnotations(m.get("annotations") == null ? null : annotations())
              .endMetadata();
      if (Boolean.TRUE.equals(m.get("terminating"))) {
        b.editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata();
      }
      if (m.get("phase") != null) {
        b.withNewStatus().withPhase((String) m.get("phase")).endStatus();
      }
      return b.build();
    }
  }

  /**
   * A row of the ServiceAccounts table.
   *
   * @param selection {@code spec.serviceAccounts} as written in the table (YAML), or {@code unset}
   * @param account the ServiceAccount as written in the table: {@code {name, labels}}
   * @param selected the documented answer
   */
  public record ServiceAccountRow(String selection, String account, boolean selected) {

    /** {@code spec.serviceAccounts} as the model reads it; null when the table says unset. */
    public ServiceAccountSelection policySelection() {
      return "unset".equals(selection) ? null : Yaml.read(selection, ServiceAccountSelection.class);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> fields() {
      Map<String, Object> m = Yaml.read(account, Map.class);
      if (!SERVICE_ACCOUNT_KEYS.containsAll(m.keySet())) {
        throw new IllegalArgumentException("unknown keys in " + account);
      }
      return m;
    }

    public String name() {
      return (String) fields().get("name");
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> labels() {
      Map<String, String> l = (Map<String, String>) fields().get("labels");
      return l == null ? Map.of() : l;
    }

    /** The ServiceAccount as an object, in namespace {@code ns}. */
    public ServiceAccount serviceAccountObject(String ns) {
      return new ServiceAccountBuilder()
          .withNewMetadata()
          .withName(name())
          .withNamespace(ns)
          .withLabels(fields().get("labels") == null ? null : labels())
          .endMetadata()
          .build();
    }
  }

  /** Every row of the namespaces table ("### Namespaces"). */
  public static List<NamespaceRow> namespaceRows() {
    return ReadmeTables.rows("### Namespaces").stream()
        .map(r -> new NamespaceRow(r.get(0), r.get(1), NamespaceVerdict.valueOf(r.get(2))))
        .toList();
  }

  /** Every row of the ServiceAccounts table ("### ServiceAccounts"). */
  public static List<ServiceAccountRow> serviceAccountRows() {
    return ReadmeTables.rows("### ServiceAccounts").stream()
        .map(r -> new ServiceAccountRow(r.get(0), r.get(1), yesOrNo(r.get(2))))
        .toList();
  }

  private static boolean yesOrNo(String cell) {
    return switch (cell) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw new IllegalArgumentException("yes or no: " + cell);
    };
  }
}
