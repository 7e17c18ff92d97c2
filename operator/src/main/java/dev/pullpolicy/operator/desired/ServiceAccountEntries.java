package dev.pullpolicy.operator.desired;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Edits a ServiceAccount's {@code imagePullSecrets} (an atomic list) and the annotation that
 * records which entries pullpolicy added. Pure: returns the edited copy, or empty when nothing
 * changes. The caller writes it with the ServiceAccount's resourceVersion.
 */
public final class ServiceAccountEntries {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ServiceAccountEntries() {}

  /** Whether the policy selects this ServiceAccount: named (or "*") OR matching the selector. */
  public static boolean selected(ServiceAccountSelection selection, ServiceAccount sa) {
    List<String> names =
        selection == null
            ? ServiceAccountSelection.DEFAULT_NAMES
            : selection.getNames() != null
                ? selection.getNames()
                : Selectors.isSet(selection.getSelector())
                    ? List.of()
                    : ServiceAccountSelection.DEFAULT_NAMES;
    String name = sa.getMetadata().getName();
    if (names.contains("*") || names.contains(name)) {
      return true;
    }
    return selection != null
        && Selectors.isSet(selection.getSelector())
        && Selectors.matches(selection.getSelector(), sa.getMetadata().getLabels());
  }

  /** True when the list holds an entry for the Secret. */
  public static boolean hasEntry(ServiceAccount sa, String secretName) {
    return sa.getImagePullSecrets() != null
        && sa.getImagePullSecrets().stream().anyMatch(r -> secretName.equals(r.getName()));
  }

  /** The recorded entries: Secret name to policy name. */
  public static Map<String, String> recorded(ServiceAccount sa) {
    Map<String, String> annotations = sa.getMetadata().getAnnotations();
    String json =
        annotations == null ? null : annotations.get(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES);
    if (json == null || json.isBlank()) {
      return new TreeMap<>();
    }
    try {
      return new TreeMap<>(MAPPER.readValue(json, new TypeReference<Map<String, String>>() {}));
    } catch (JsonProcessingException e) {
      return new TreeMap<>(); // unreadable: treat as nothing recorded, never fail the reconcile
    }
  }

  /**
   * Ensures exactly one entry for {@code secretName} (appended, other entries kept in order) and,
   * when pullpolicy adds it, records it as the policy's. An entry someone else had put there is
   * left unrecorded, so removal never takes it.
   */
  public static Optional<ServiceAccount> withEntry(
      ServiceAccount sa, String secretName, String policyName) {
    Map<String, String> recorded = recorded(sa);
    boolean present = hasEntry(sa, secretName);
    boolean ours = policyName.equals(recorded.get(secretName));
    if (present && (ours || !recorded.containsKey(secretName))) {
      return Optional.empty();
    }
    if (present) {
      // recorded for another policy: not ours to take
      return Optional.empty();
    }
    ServiceAccount edited = new ServiceAccountBuilder(sa).build();
    List<LocalObjectReference> list =
        new ArrayList<>(sa.getImagePullSecrets() == null ? List.of() : sa.getImagePullSecrets());
    list.add(new LocalObjectReference(secretName));
    edited.setImagePullSecrets(list);
    recorded.put(secretName, policyName);
    setRecorded(edited, recorded);
    return Optional.of(edited);
  }

  /**
   * Removes the entry for {@code secretName} only when the annotation records it as the policy's;
   * every other entry stays.
   */
  public static Optional<ServiceAccount> withoutEntry(
      ServiceAccount sa, String secretName, String policyName) {
    Map<String, String> recorded = recorded(sa);
    if (!policyName.equals(recorded.get(secretName))) {
      return Optional.empty();
    }
    ServiceAccount edited = new ServiceAccountBuilder(sa).build();
    if (sa.getImagePullSecrets() != null) {
      edited.setImagePullSecrets(
          new ArrayList<>(
              sa.getImagePullSecrets().stream()
                  .filter(r -> !secretName.equals(r.getName()))
                  .toList()));
    }
    recorded.remove(secretName);
    setRecorded(edited, recorded);
    return Optional.of(edited);
  }

  /** Forgets the policy's records without touching the list ({@code onDelete: Orphan}). */
  public static Optional<ServiceAccount> forget(ServiceAccount sa, String policyName) {
    Map<String, String> recorded = recorded(sa);
    if (!recorded.containsValue(policyName)) {
      return Optional.empty();
    }
    recorded.values().removeIf(policyName::equals);
    ServiceAccount edited = new ServiceAccountBuilder(sa).build();
    setRecorded(edited, recorded);
    return Optional.of(edited);
  }

  /** The Secret names the annotation records for the policy. */
  public static List<String> recordedFor(ServiceAccount sa, String policyName) {
    return recorded(sa).entrySet().stream()
        .filter(e -> policyName.equals(e.getValue()))
        .map(Map.Entry::getKey)
        .toList();
  }

  private static void setRecorded(ServiceAccount sa, Map<String, String> recorded) {
    Map<String, String> annotations =
        new LinkedHashMap<>(
            sa.getMetadata().getAnnotations() == null
                ? Map.of()
                : sa.getMetadata().getAnnotations());
    if (recorded.isEmpty()) {
      annotations.remove(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES);
    } else {
      try {
        annotations.put(
            PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES,
            MAPPER.writeValueAsString(new TreeMap<>(recorded)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    sa.getMetadata().setAnnotations(annotations);
  }
}
