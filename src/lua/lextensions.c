/* annl_open_extensions: registers the extension bindings in annarchy.core. */
#include "lextensions.h"

void annl_open_extensions(lua_State *L)
{
    annl_open_tensorboard(L);
    annl_open_keras(L);
}
