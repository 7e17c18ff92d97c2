package dev.pullpolicy.api.v1alpha1;

/** What to do when a Secret with the target name exists in a namespace and is not ours. */
public enum OnConflict {
  /** Leave the existing Secret alone and report a conflict for that namespace. */
  Skip,
  /** Take the existing Secret over: overwrite its data and label it as managed. */
  Adopt
}
