package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** How many namespaces are selected and in which state. */
public class NamespaceCounts {
  @JsonPropertyDescription(
      "Namespaces the policy selects: matched by spec.namespaces, not opted out, not"
          + " terminating.")
  private int selected;

  @JsonPropertyDescription("Selected namespaces whose copy matches the sources.")
  private int synced;

  @JsonPropertyDescription("Selected namespaces where writing the copy failed.")
  private int failed;

  @JsonPropertyDescription(
      "Selected namespaces holding a Secret with the target name that pullpolicy does not"
          + " manage (or that another policy manages).")
  private int conflicts;

  @JsonPropertyDescription(
      "Namespaces matched by spec.namespaces that opted out (pullpolicy.dev/ignore: \"true\","
          + " any letter case). A terminating namespace is not counted, even when it opted"
          + " out.")
  private int ignored;

  public NamespaceCounts() {}

  public NamespaceCounts(int selected, int synced, int failed, int conflicts, int ignored) {
    this.selected = selected;
    this.synced = synced;
    this.failed = failed;
    this.conflicts = conflicts;
    this.ignored = ignored;
  }

  public int getSelected() {
    return selected;
  }

  public void setSelected(int selected) {
    this.selected = selected;
  }

  public int getSynced() {
    return synced;
  }

  public void setSynced(int synced) {
    this.synced = synced;
  }

  public int getFailed() {
    return failed;
  }

  public void setFailed(int failed) {
    this.failed = failed;
  }

  public int getConflicts() {
    return conflicts;
  }

  public void setConflicts(int conflicts) {
    this.conflicts = conflicts;
  }

  public int getIgnored() {
    return ignored;
  }

  public void setIgnored(int ignored) {
    this.ignored = ignored;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamespaceCounts c
        && selected == c.selected
        && synced == c.synced
        && failed == c.failed
        && conflicts == c.conflicts
        && ignored == c.ignored;
  }

  @Override
  public int hashCode() {
    return Objects.hash(selected, synced, failed, conflicts, ignored);
  }
}
