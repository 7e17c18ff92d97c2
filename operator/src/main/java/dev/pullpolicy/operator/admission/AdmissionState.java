package dev.pullpolicy.operator.admission;

import dev.pullpolicy.api.conditions.AdmissionActiveReason;

/**
 * Whether the API server adds a policy's entry to a ServiceAccount as it is created: the status,
 * reason and message of the {@code AdmissionActive} condition.
 *
 * @param status True, False or Unknown
 */
public record AdmissionState(String status, AdmissionActiveReason reason, String message) {

  private static final String WITHOUT =
      "; ServiceAccounts get the entry from the operator a moment after they are created, so Pods"
          + " created in that moment (a namespace and its workloads applied together) miss it";

  public static AdmissionState installed() {
    return new AdmissionState(
        "True",
        AdmissionActiveReason.Installed,
        "the API server adds the entry to ServiceAccounts as they are created"
            + " (MutatingAdmissionPolicy "
            + AdmissionActiveReason.OBJECT_NAME
            + ")");
  }

  public static AdmissionState notInstalled(String missing) {
    return new AdmissionState(
        "False",
        AdmissionActiveReason.NotInstalled,
        missing
            + " "
            + AdmissionActiveReason.OBJECT_NAME
            + " not installed (deploy/36-service-account-admission.yaml)"
            + WITHOUT);
  }

  public static AdmissionState apiUnavailable() {
    return new AdmissionState(
        "False",
        AdmissionActiveReason.ApiUnavailable,
        "the API server does not serve admissionregistration.k8s.io/v1"
            + " MutatingAdmissionPolicies (Kubernetes 1.36 and later)"
            + WITHOUT);
  }

  public static AdmissionState checkFailed(String why) {
    return new AdmissionState(
        "Unknown",
        AdmissionActiveReason.CheckFailed,
        "could not tell whether the API server adds entries at admission: " + why);
  }

  /** True when the API server adds entries at admission. */
  public boolean active() {
    return reason == AdmissionActiveReason.Installed;
  }
}
