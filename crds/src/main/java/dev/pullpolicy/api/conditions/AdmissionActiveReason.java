package dev.pullpolicy.api.conditions;

/**
 * The reasons of the {@link ConditionType#AdmissionActive} condition: whether the API server adds
 * the policy's {@code imagePullSecrets} entry to a ServiceAccount as it is created, or only the
 * operator does, a moment later.
 */
public enum AdmissionActiveReason {
  /**
   * True: the API server serves {@code admissionregistration.k8s.io/v1} MutatingAdmissionPolicies,
   * and pullpolicy's policy and binding ({@value #OBJECT_NAME}) are installed.
   */
  Installed,
  /**
   * False: the API server serves MutatingAdmissionPolicies, but pullpolicy's policy or its binding
   * is not installed (apply {@code deploy/36-service-account-admission.yaml}).
   */
  NotInstalled,
  /**
   * False: the API server does not serve {@code admissionregistration.k8s.io/v1}
   * MutatingAdmissionPolicies (Kubernetes before 1.36, or the API turned off).
   */
  ApiUnavailable,
  /** Unknown: the operator could not find out (e.g. it may not read the policy or the binding). */
  CheckFailed;

  /** The name of pullpolicy's MutatingAdmissionPolicy and of its binding. */
  public static final String OBJECT_NAME = "pullpolicy-service-account-entries";
}
