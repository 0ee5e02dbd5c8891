/** What `fn` throws, or undefined when it returns: for tests that read an error's code, message and position. */
export const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};
