package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

/** The copy made in each selected namespace. */
public class Target {

  @Size(min = 1, max = 253)
  @Pattern(Validation.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "Name of the copy in each namespace. Default: the policy's name. Where this name is the"
          + " policy's only source, the source itself serves its namespace; a source is never"
          + " overwritten.")
  private String secretName;

  @Size(max = 64)
  @ValidationRule(
      value =
          "self.all(k, !k.startsWith('pullpolicy.dev/') && k != 'app.kubernetes.io/managed-by')",
      message = "labels must not set pullpolicy.dev/* or app.kubernetes.io/managed-by")
  @ValidationRule(value = Validation.CEL_LABEL_KEYS, message = Validation.LABEL_KEYS_MESSAGE)
  @JsonPropertyDescription(
      "Extra labels put on every copy: valid label keys and values (the API server refuses a"
          + " policy whose labels no Secret could carry).")
  private Map<
          String, @Size(max = Validation.MAX_LABEL_VALUE) @Pattern(Validation.LABEL_VALUE) String>
      labels = new LinkedHashMap<>();

  @Size(max = 64)
  @ValidationRule(
      value = "self.all(k, !k.startsWith('pullpolicy.dev/'))",
      message = "annotations must not set pullpolicy.dev/*")
  @ValidationRule(
      value = Validation.CEL_ANNOTATION_KEYS,
      message = Validation.ANNOTATION_KEYS_MESSAGE)
  @JsonPropertyDescription("Extra annotations put on every copy: valid annotation keys.")
  private Map<String, String> annotations = new LinkedHashMap<>();

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }
}
