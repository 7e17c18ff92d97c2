package dev.pullpolicy.plugin.print;

import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.KubernetesList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Prints {@code kubectl pullpolicy list}. */
public final class ListPrinter {
  private ListPrinter() {}

  public static String print(
      List<PullCredentialPolicy> policies,
      Instant now,
      Format format,
      boolean noHeaders,
      Style style) {
    if (Structured.isStructured(format)) {
      KubernetesList list = new KubernetesList();
      list.setItems(new ArrayList<>(policies));
      return Structured.render(list, format);
    }
    boolean wide = format == Format.WIDE;
    Table table =
        wide
            ? new Table(
                "NAME",
                "READY",
                "SOURCES",
                "NAMESPACES",
                "SERVICEACCOUNTS",
                "AGE",
                "SECRET",
                "REGISTRIES",
                "REASON")
            : new Table("NAME", "READY", "SOURCES", "NAMESPACES", "SERVICEACCOUNTS", "AGE");
    for (PullCredentialPolicy p : policies) {
      PullCredentialPolicyStatus st = p.getStatus();
      Condition ready = st == null ? null : st.condition(ConditionType.Ready);
      String readyText = ready == null ? "Unknown" : ready.getStatus();
      String sources =
          p.getSpec() == null || p.getSpec().getSources() == null
              ? ""
              : p.getSpec().getSources().stream()
                  .map(s -> s.getNamespace() + "/" + s.getName())
                  .collect(Collectors.joining(","));
      String namespaces =
          st == null || st.getNamespaces() == null
              ? "-"
              : st.getNamespaces().getSynced() + "/" + st.getNamespaces().getSelected();
      String serviceAccounts =
          st == null || st.getServiceAccounts() == null
              ? "-"
              : st.getServiceAccounts().getPatched() + "/" + st.getServiceAccounts().getSelected();
      String age = Ages.since(p.getMetadata().getCreationTimestamp(), now);
      UnaryOperator<String> readyStyle =
          "True".equals(readyText) ? style::good : "False".equals(readyText) ? style::bad : null;
      if (wide) {
        String registries =
            st == null || st.getRegistries() == null ? "" : String.join(",", st.getRegistries());
        String reason = ready == null || ready.getReason() == null ? "" : ready.getReason();
        table.styledRow(
            new String[] {
              p.getMetadata().getName(),
              readyText,
              sources,
              namespaces,
              serviceAccounts,
              age,
              Ownership.targetName(p),
              registries,
              reason
            },
            styles(9, 1, readyStyle));
      } else {
        table.styledRow(
            new String[] {
              p.getMetadata().getName(), readyText, sources, namespaces, serviceAccounts, age
            },
            styles(6, 1, readyStyle));
      }
    }
    return table.render(!noHeaders);
  }

  @SuppressWarnings("unchecked")
  static UnaryOperator<String>[] styles(int n, int column, UnaryOperator<String> style) {
    UnaryOperator<String>[] s = new UnaryOperator[n];
    s[column] = style;
    return s;
  }
}
