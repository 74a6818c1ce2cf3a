/* The protobuf-c code generated from src/proto/tensorboard.proto (build/gen), compiled as part
 * of the core. The generated initialisers cast away const from protobuf-c's empty string. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wcast-qual"
#endif
#include "tensorboard.pb-c.c"
