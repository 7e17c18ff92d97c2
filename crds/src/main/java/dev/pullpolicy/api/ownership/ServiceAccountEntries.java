package dev.pullpolicy.api.ownership;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which {@code imagePullSecrets} entries of a ServiceAccount belong to which policy, and the edits
 * of them. The annotation {@code pullpolicy.dev/image-pull-secrets} records the entries pullpolicy
 * added (JSON, Secret name to policy name); an entry it does not record is someone else's and is
 * never removed. Pure: an edit returns the edited copy, or empty when nothing changes; the caller
 * writes it with the ServiceAccount's resourceVersion.
 */
public final class ServiceAccountEntries {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ServiceAccountEntries() {}

  /** True when the list holds an entry for the Secret. */
  public static boolean hasEntry(ServiceAccount sa, String secretName) {
    List<LocalObjectReference> refs = sa.getImagePullSecrets();
    if (refs == null) {
      return false;
    }
    for (int i = 0, size = refs.size(); i < size; i++) {
      if (secretName.equals(refs.get(i).getName())) {
        return true;
      }
    }
    return false;
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

  /**
   * Removes every entry the annotation records as the policy's ({@code onDelete: Delete}); every
   * other entry stays.
   */
  public static Optional<ServiceAccount> withoutPolicy(ServiceAccount sa, String policyName) {
    ServiceAccount current = sa;
    boolean changed = false;
    for (String secretName : recordedFor(sa, policyName)) {
      Optional<ServiceAccount> edited = withoutEntry(current, secretName, policyName);
      if (edited.isPresent()) {
        current = edited.get();
        changed = true;
      }
    }
    return changed ? Optional.of(current) : Optional.empty();
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

  /**
   * The Secret names the annotation records for the policy. The JSON is parsed only when it can
   * name the policy: it contains the policy's name, or an escape ({@code \\}) that could spell it.
   */
  public static List<String> recordedFor(ServiceAccount sa, String policyName) {
    Map<String, String> annotations = sa.getMetadata().getAnnotations();
    String json =
        annotations == null ? null : annotations.get(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES);
    if (!mayMention(json, policyName)) {
      return List.of();
    }
    List<String> names = new ArrayList<>(1);
    for (Map.Entry<String, String> e : recorded(sa).entrySet()) {
      if (policyName.equals(e.getValue())) {
        names.add(e.getKey());
      }
    }
    return names.isEmpty() ? List.of() : Collections.unmodifiableList(names);
  }

  /**
   * False only when the annotation certainly records nothing for the policy: absent, or neither the
   * name nor a JSON escape appears in it (without escapes a JSON string's text is literal).
   */
  static boolean mayMention(String json, String policyName) {
    return json != null && (json.contains(policyName) || json.indexOf('\\') >= 0);
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
