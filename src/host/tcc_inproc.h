#ifndef ANN_HOST_TCC_INPROC_H
#define ANN_HOST_TCC_INPROC_H
/* Registers libtcc as the core's in-process "tcc" compiler. */
void ann_host_register_tcc(void);
#endif
