/* Counter-based random numbers: Philox4x32-10 and the distributions built on it.
 *
 * This header is prepended to every generated kernel and included by src/rng.c, so the host
 * and the kernels draw from one definition. It must stay plain C99 that gcc and tcc 0.9.27
 * both compile: static inline functions only, no other headers than <stdint.h> and <math.h>.
 *
 * Philox4x32-10 is the block function of Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3" (SC'11): a 128-bit counter and a 64-bit key give 128
 * pseudo-random bits; for a fixed key it is a bijection on the counter.
 *
 * Mapping of a draw (seed, stream, elem, step, k), with `sub` the internal sub-draw index:
 *
 *   stage 1  key     = (seed & 0xffffffff, seed >> 32)
 *            counter = (stream, k, step & 0xffffffff, step >> 32)          ->  P[0..3]
 *   stage 2  key     = (P[0], P[1])
 *            counter = (elem, sub, P[2], P[3])                             ->  B[0..3]
 *
 * Distinct (stream, k, step) give distinct P for one seed (bijection), so two stage-2 inputs
 * with distinct (stream, k, step) differ either in the key or in counter words 2-3; within one
 * P, distinct (elem, sub) are distinct counters. No two draws share an input, every field
 * keeps its full width (seed 64, stream 32, k 32, step 64, elem 32 bits) and stage 1 does not
 * depend on the element, so a kernel loop over elements computes it once (annk_rng_prefix)
 * -- gcc hoists it by itself out of a loop calling annk_normal(...) with invariant arguments.
 *
 * A block B gives two doubles in [0,1) with 53 random bits each:
 *   u0 = ((B[0] << 32 | B[1]) >> 11) * 2^-53,   u1 = ((B[2] << 32 | B[3]) >> 11) * 2^-53.
 * Sub-draws used by each distribution (always from the same (stream, elem, step, k)):
 *   uniform, uniform_ab, discrete_uniform, exponential   word (elem, 0) as u (annk_word)
 *   normal, lognormal (ziggurat)     words (elem, 0), (elem, 1), ... (annk_zig_slow)
 *   gamma      rejection round j: block 2j (normal, Box-Muller), block 2j+1 u0 (acceptance);
 *              alpha < 1 boost: block 1 u1
 *   binomial   n*min(p,1-p) < 10, inversion attempt j: block j, u0;
 *              otherwise BTRS (Hormann 1993) round j: block j, u0 and u1
 * where block (elem, sub) has counter (elem, sub, P[2], P[3]) and the 64-bit word (elem, sub)
 * is one half of block ((elem >> 3) << 2 | (elem & 3), sub): two elements share a block, so
 * that one Philox call serves two uniforms or two normals (see annk_word). Every k has 2^32
 * blocks of its own: k values never share random bits; one k uses one distribution, so the
 * two schemes never meet.
 *
 * Reserved: k = ANNK_K_HOST (0xffffffff) is used by the host-side streams of src/rng.c,
 * k = ANNK_K_ROWS (0xfffffffe) by the per-row draws of the connectors (src/connect_rows.c);
 * kernels use k < 2^31 (the code generator numbers the random terms of a model from 0).
 *
 * Invalid parameters (sigma < 0, lambda <= 0, alpha < 0, p outside [0, 1], ...) give NaN:
 * the host checks them before a network is built (ann_dist_check).
 */
#ifndef ANNK_RNG_H
#define ANNK_RNG_H

#include <stdint.h>
#include <math.h>

#define ANNK_K_HOST 0xffffffffu
#define ANNK_K_ROWS 0xfffffffeu
#define ANNK_TWO_PI 6.283185307179586476925286766559
#define ANNK_INV_2_53 (1.0 / 9007199254740992.0)

/* ---- the block function ------------------------------------------------------------------ */

static inline void annk_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                                      uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    int r;
    for (r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c0;
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* Stage 1: everything that does not depend on the element. */
static inline void annk_rng_prefix(uint64_t seed, uint32_t stream, uint64_t step, uint32_t k,
                                   uint32_t pre[4])
{
    uint32_t ctr[4], key[2];
    key[0] = (uint32_t)seed;
    key[1] = (uint32_t)(seed >> 32);
    ctr[0] = stream;
    ctr[1] = k;
    ctr[2] = (uint32_t)step;
    ctr[3] = (uint32_t)(step >> 32);
    annk_philox4x32_10(ctr, key, pre);
}

/* Stage 2: block `sub` of element `elem`. */
static inline void annk_rng_block(const uint32_t pre[4], uint32_t elem, uint32_t sub,
                                  uint32_t out[4])
{
    uint32_t ctr[4], key[2];
    key[0] = pre[0];
    key[1] = pre[1];
    ctr[0] = elem;
    ctr[1] = sub;
    ctr[2] = pre[2];
    ctr[3] = pre[3];
    annk_philox4x32_10(ctr, key, out);
}

static inline double annk_u53(uint32_t hi, uint32_t lo)
{
    return (double)((((uint64_t)hi << 32) | lo) >> 11) * ANNK_INV_2_53;
}

/* ---- shared blocks: one block serves two elements ----------------------------------------- */

/* Uniform, discrete uniform, exponential, normal and lognormal draws read 64 bits per element:
 * element e reads half h = (e >> 2) & 1 (words 0-1 for h = 0, words 2-3 for h = 1) of block
 * ((e >> 3) << 2 | (e & 3), sub). Distinct elements read distinct (block, half) pairs, so a
 * block gives two elements their draws; elements 8g..8g+7 use blocks 4g..4g+3, which a vector
 * unit computes side by side (elements 8g..8g+3 from the first halves, 8g+4..8g+7 from the
 * second), see annk_fill_u01 and annk_fill_std_normal. */
static inline uint64_t annk_word(const uint32_t pre[4], uint32_t elem, uint32_t sub)
{
    uint32_t b[4];
    annk_rng_block(pre, ((elem >> 3) << 2) | (elem & 3u), sub, b);
    if ((elem >> 2) & 1u)
        return ((uint64_t)b[2] << 32) | b[3];
    return ((uint64_t)b[0] << 32) | b[1];
}

/* A double in [0, 1) with the 53 high bits of w (the same as annk_u53 of its two words). */
static inline double annk_w53(uint64_t w)
{
    return (double)(int64_t)(w >> 11) * ANNK_INV_2_53;
}

/* ---- the standard normal: the ziggurat of Marsaglia and Tsang ------------------------------ */

/* G. Marsaglia and W. W. Tsang, "The ziggurat method for generating random variables",
 * J. Stat. Softw. 5(8), 2000, with 256 layers of equal area under exp(-x^2/2) and the layer
 * index drawn from bits independent of the abscissa (J. A. Doornik, "An improved ziggurat
 * method to generate normal random samples", 2005). annk_zig_x[0] = V / f(R) (the base strip
 * with its tail as a rectangle), annk_zig_x[1] = R = 3.6541528853610088, ..., annk_zig_x[256]
 * = 0, with V = R f(R) + int_R^inf f = 0.0049286732339746535; annk_zig_f[i] = exp(-x_i^2 / 2).
 * Computed with 60 digits (mpmath) and rounded to doubles, written in hexadecimal so that
 * every compiler reads the same bits.
 *
 * Draw of element e (words of annk_word): attempt t reads word A_t = (e, sub 2t); its low 8 bits
 * are the layer i, bits 11-63 give u in [-1, 1) and x = u * x_i. |x| < x_{i+1} accepts x (about
 * 99.3 % of the draws, at the first attempt). Otherwise, for i = 0 the tail beyond R is drawn
 * (Marsaglia 1964): x = -log(U1) / R, y = -log(U2) until 2y > x^2, U1 and U2 the two 32-bit
 * words of (e, sub 2q + 1), q = t, t + 1, ..., as (w + 1) / 2^32 in (0, 1]; the result is
 * +-(R + x) with the sign of u. For i > 0, x is accepted if f_i + U (f_{i+1} - f_i) <
 * exp(-x^2 / 2) with U from (e, sub 2t + 1); else attempt t + 1. */
#define ANNK_ZIG_R 0x1.d3bb48209ad33p+1
#define ANNK_INV_2_52 (1.0 / 4503599627370496.0)
#define ANNK_INV_2_32 (1.0 / 4294967296.0)
static const double annk_zig_x[257] = {
    0x1.f493b7815d982p+1, 0x1.d3bb48209ad33p+1, 0x1.b981f3878fdb0p+1,
    0x1.a8fdc78947759p+1, 0x1.9cbee014057aap+1, 0x1.92ee0946f4496p+1,
    0x1.8ab0fbfaa7c14p+1, 0x1.839030529f233p+1, 0x1.7d42df4d6ce8bp+1,
    0x1.7799556090672p+1, 0x1.72728f05f7a33p+1, 0x1.6db6b8d09e231p+1,
    0x1.69540be9fe5c2p+1, 0x1.653ce7b006aeap+1, 0x1.61669cf861e4bp+1,
    0x1.5dc8a243ad0fep+1, 0x1.5a5c08b718dd9p+1, 0x1.571b1a94ae41cp+1,
    0x1.54011523a7e43p+1, 0x1.5109f53e9ac42p+1, 0x1.4e3250dcd8903p+1,
    0x1.4b7739d6b5a28p+1, 0x1.48d62759c43bdp+1, 0x1.464ce44a73a16p+1,
    0x1.43d9815545e94p+1, 0x1.417a49cb9e5dbp+1, 0x1.3f2dbaa60f475p+1,
    0x1.3cf27b31704a6p+1, 0x1.3ac7570ae88fap+1, 0x1.38ab39256410ap+1,
    0x1.369d27a33a840p+1, 0x1.349c405ae12a3p+1, 0x1.32a7b5e68a4a3p+1,
    0x1.30becd256aeeep+1, 0x1.2ee0db1a978f5p+1, 0x1.2d0d43196db97p+1,
    0x1.2b437532a0a53p+1, 0x1.2982ecd770e78p+1, 0x1.27cb2faa8592ep+1,
    0x1.261bcc77658e0p+1, 0x1.24745a4ac9c24p+1, 0x1.22d477a6fd3efp+1,
    0x1.213bc9d04cc82p+1, 0x1.1fa9fc2e2d901p+1, 0x1.1e1ebfbe4ae39p+1,
    0x1.1c99ca971a695p+1, 0x1.1b1ad777f2f8fp+1, 0x1.19a1a564eebadp+1,
    0x1.182df74d21262p+1, 0x1.16bf93b9deef5p+1, 0x1.1556448602e3dp+1,
    0x1.13f1d69c4096fp+1, 0x1.129219bbb5d37p+1, 0x1.1136e04207043p+1,
    0x1.0fdffefa69fb8p+1, 0x1.0e8d4cf116594p+1, 0x1.0d3ea34aa3d32p+1,
    0x1.0bf3dd1eed449p+1, 0x1.0aacd7571c0c5p+1, 0x1.0969708e8a255p+1,
    0x1.082988f632e18p+1, 0x1.06ed023a72669p+1, 0x1.05b3bf6adb37ep+1,
    0x1.047da4e3ef5c7p+1, 0x1.034a983a902abp+1, 0x1.021a8028fc947p+1,
    0x1.00ed447d3a075p+1, 0x1.ff859c118f60bp+0, 0x1.fd360d22fe785p+0,
    0x1.faebb187122bfp+0, 0x1.f8a6604899782p+0, 0x1.f665f20c90168p+0,
    0x1.f42a40fb74d6dp+0, 0x1.f1f328ac25321p+0, 0x1.efc086101eca9p+0,
    0x1.ed9237610a73ap+0, 0x1.eb681c0f76f08p+0, 0x1.e94214b2abf09p+0,
    0x1.e72002f97fe23p+0, 0x1.e501c99c1d186p+0, 0x1.e2e74c4ea46f3p+0,
    0x1.e0d06fb49d219p+0, 0x1.debd195522e34p+0, 0x1.dcad2f8fc490cp+0,
    0x1.daa0999206e6ep+0, 0x1.d8973f4d7fba4p+0, 0x1.d691096e7f123p+0,
    0x1.d48de1533c647p+0, 0x1.d28db1037ef20p+0, 0x1.d0906328b8f6ep+0,
    0x1.ce95e3068e037p+0, 0x1.cc9e1c73bd690p+0, 0x1.caa8fbd36a2abp+0,
    0x1.c8b66e0eba617p+0, 0x1.c6c6608ec8705p+0, 0x1.c4d8c136e0d1dp+0,
    0x1.c2ed7e5f07a2dp+0, 0x1.c10486cec16a0p+0, 0x1.bf1dc9b81ae82p+0,
    0x1.bd3936b2ec0a2p+0, 0x1.bb56bdb85256ep+0, 0x1.b9764f1e5f73dp+0,
    0x1.b797db93f8928p+0, 0x1.b5bb541ce3d04p+0, 0x1.b3e0aa0e00c01p+0,
    0x1.b207cf09a985cp+0, 0x1.b030b4fc3a11bp+0, 0x1.ae5b4e18bb338p+0,
    0x1.ac878cd5af5cfp+0, 0x1.aab563e9ff10ap+0, 0x1.a8e4c64a0313fp+0,
    0x1.a715a724aa9a7p+0, 0x1.a547f9e0bbb8bp+0, 0x1.a37bb21a2c85ep+0,
    0x1.a1b0c39f93696p+0, 0x1.9fe7226fad24dp+0, 0x1.9e1ec2b6f7414p+0,
    0x1.9c5798cd5d92ep+0, 0x1.9a919933f99c1p+0, 0x1.98ccb892e2a33p+0,
    0x1.9708ebb70d5efp+0, 0x1.954627903a28bp+0, 0x1.9384612ef0afep+0,
    0x1.91c38dc288349p+0, 0x1.9003a2973b591p+0, 0x1.8e44951446a28p+0,
    0x1.8c865aba10c9dp+0, 0x1.8ac8e9205c044p+0, 0x1.890c35f47f72ep+0,
    0x1.875036f7a7ec7p+0, 0x1.8594e1fd1f5bep+0, 0x1.83da2ce899f16p+0,
    0x1.82200dac88677p+0, 0x1.80667a486ea1fp+0, 0x1.7ead68c73dee7p+0,
    0x1.7cf4cf3db22fcp+0, 0x1.7b3ca3c8b140ap+0, 0x1.7984dc8babd94p+0,
    0x1.77cd6faeff44ap+0, 0x1.7616535e57320p+0, 0x1.745f7dc70eeddp+0,
    0x1.72a8e516914c7p+0, 0x1.70f27f78b68ecp+0, 0x1.6f3c43161f856p+0,
    0x1.6d8626128d354p+0, 0x1.6bd01e8b343bdp+0, 0x1.6a1a22950b2b3p+0,
    0x1.6864283b13139p+0, 0x1.66ae257c99674p+0, 0x1.64f8104b7260dp+0,
    0x1.6341de8a2b0a4p+0, 0x1.618b860a31fc5p+0, 0x1.5fd4fc89f5e39p+0,
    0x1.5e1e37b2f8cd4p+0, 0x1.5c672d17d733fp+0, 0x1.5aafd23241b5ap+0,
    0x1.58f81c60e8515p+0, 0x1.574000e555f79p+0, 0x1.558774e1bb2c9p+0,
    0x1.53ce6d56a6650p+0, 0x1.5214df20a8b5cp+0, 0x1.505abef5e5563p+0,
    0x1.4ea001638a606p+0, 0x1.4ce49acb311ddp+0, 0x1.4b287f602415ep+0,
    0x1.496ba32488f30p+0, 0x1.47adf9e66c338p+0, 0x1.45ef773cac75ep+0,
    0x1.44300e83c30a6p+0, 0x1.426fb2da6745fp+0, 0x1.40ae571e09e76p+0,
    0x1.3eebede725a85p+0, 0x1.3d28698561de3p+0, 0x1.3b63bbfb83d06p+0,
    0x1.399dd6fb2b267p+0, 0x1.37d6abe05586cp+0, 0x1.360e2baca52d7p+0,
    0x1.3444470265ea4p+0, 0x1.3278ee1f4b933p+0, 0x1.30ac10d6e48dap+0,
    0x1.2edd9e8cba990p+0, 0x1.2d0d862e1b855p+0, 0x1.2b3bb62b82edbp+0,
    0x1.29681c719d71dp+0, 0x1.2792a661dd381p+0, 0x1.25bb40ca96bfep+0,
    0x1.23e1d7de9c322p+0, 0x1.2206572c4c6ecp+0, 0x1.2028a9940a0a3p+0,
    0x1.1e48b93e0d431p+0, 0x1.1c666f8f82acfp+0, 0x1.1a81b51ee6d8bp+0,
    0x1.189a71a78da37p+0, 0x1.16b08bfc42020p+0, 0x1.14c3e9f8e9143p+0,
    0x1.12d4707310fc1p+0, 0x1.10e20329515f1p+0, 0x1.0eec84b16086fp+0,
    0x1.0cf3d664bcc83p+0, 0x1.0af7d84bc6116p+0, 0x1.08f869071f40fp+0,
    0x1.06f565b72a014p+0, 0x1.04eea9e16a5ffp+0, 0x1.02e40f5398f9dp+0,
    0x1.00d56e04234eep+0, 0x1.fd8537dfa2eb1p-1, 0x1.f956d9e87d7b2p-1,
    0x1.f51f654d8f68cp-1, 0x1.f0de784f0622ap-1, 0x1.ec93abdf982d2p-1,
    0x1.e83e9337a6f04p-1, 0x1.e3debb5d2ee02p-1, 0x1.df73aa9f17656p-1,
    0x1.dafce0023b8c8p-1, 0x1.d679d29e41f14p-1, 0x1.d1e9f0e80b74bp-1,
    0x1.cd4c9fe72268fp-1, 0x1.c8a13a5323b66p-1, 0x1.c3e70f9594ef8p-1,
    0x1.bf1d62abf8239p-1, 0x1.ba4368e529f40p-1, 0x1.b558487427a2fp-1,
    0x1.b05b16d136ca2p-1, 0x1.ab4ad6e101636p-1, 0x1.a62676d77cd5fp-1,
    0x1.a0eccdca4a731p-1, 0x1.9b9c98e38c54dp-1, 0x1.96347822c1ef0p-1,
    0x1.90b2ea94ecf9ep-1, 0x1.8b1649e7b769fp-1, 0x1.855cc53430a7dp-1,
    0x1.7f845ad46f549p-1, 0x1.798ad10b32a7ep-1, 0x1.736dad346f8adp-1,
    0x1.6d2a292000576p-1, 0x1.66bd261a37c44p-1, 0x1.60231cfd97ef1p-1,
    0x1.59580a707ce9cp-1, 0x1.52575621ad379p-1, 0x1.4b1bb363dfeadp-1,
    0x1.439ef8dff9b5ap-1, 0x1.3bd9ec1a2b134p-1, 0x1.33c3fc05791fap-1,
    0x1.2b52e3863d885p-1, 0x1.227a28f7a1afap-1, 0x1.192a69741367dp-1,
    0x1.0f5053b025d4ap-1, 0x1.04d32278ebbb4p-1, 0x1.f32482d4cd5d0p-2,
    0x1.dac2f5a747281p-2, 0x1.c004d2f386207p-2, 0x1.a230c2e4cd0cbp-2,
    0x1.801fce82fa71ap-2, 0x1.57cb938443b71p-2, 0x1.250af3c2c5bc6p-2,
    0x1.b8d0be3fdf702p-3, 0x0.0p+0,
};
static const double annk_zig_f[257] = {
    0x1.f4a946f13842fp-12, 0x1.4a605b6b9f70dp-10, 0x1.55f9f43c1b070p-9,
    0x1.08a1f03b0b205p-8, 0x1.69ea8d90cb864p-8, 0x1.ce160f8ec683cp-8,
    0x1.1a59229952f95p-7, 0x1.4eb96421acfe7p-7, 0x1.841040d8da47ep-7,
    0x1.ba48d274f8fb3p-7, 0x1.f152a4f72dd53p-7, 0x1.149033460301ap-6,
    0x1.30d388dab5e1ap-6, 0x1.4d6eaf2fbb067p-6, 0x1.6a5daf40bbf87p-6,
    0x1.879d1b600c10bp-6, 0x1.a529f4e22ebf4p-6, 0x1.c301983cd0912p-6,
    0x1.e121adb828c69p-6, 0x1.ff881d718a5b5p-6, 0x1.0f1982e968009p-5,
    0x1.1e9059f1f6ab6p-5, 0x1.2e27ce83df495p-5, 0x1.3ddf2ce98eec7p-5,
    0x1.4db5d0e11275cp-5, 0x1.5dab23cf2add1p-5, 0x1.6dbe9b398d062p-5,
    0x1.7defb77af271cp-5, 0x1.8e3e02a68b5a9p-5, 0x1.9ea90f9295561p-5,
    0x1.af30790385f6fp-5, 0x1.bfd3e0f282a2cp-5, 0x1.d092efeadf162p-5,
    0x1.e16d547b25185p-5, 0x1.f262c2b6c6e33p-5, 0x1.01b979e30e496p-4,
    0x1.0a4ed2c159622p-4, 0x1.12f14d0f2179dp-4, 0x1.1ba0cbe97897ep-4,
    0x1.245d344dd0d8fp-4, 0x1.2d266cf9b310dp-4, 0x1.35fc5e4d93e69p-4,
    0x1.3edef23269a81p-4, 0x1.47ce1401b2212p-4, 0x1.50c9b06fa2babp-4,
    0x1.59d1b5774669dp-4, 0x1.62e6124854d10p-4, 0x1.6c06b73694a46p-4,
    0x1.753395aaa116dp-4, 0x1.7e6ca013eefccp-4, 0x1.87b1c9dbf2846p-4,
    0x1.9103075a4a09fp-4, 0x1.9a604dc9d5b0bp-4, 0x1.a3c9933ea627bp-4,
    0x1.ad3ece9caf627p-4, 0x1.b6bff78f2e228p-4, 0x1.c04d0680b100ap-4,
    0x1.c9e5f493b7404p-4, 0x1.d38abb9bd91dcp-4, 0x1.dd3b56176e88bp-4,
    0x1.e6f7bf29aa546p-4, 0x1.f0bff29520e16p-4, 0x1.fa93ecb6b222bp-4,
    0x1.0239d54067d29p-3, 0x1.072f94bb8bf84p-3, 0x1.0c2b33d5209b9p-3,
    0x1.112cb1da26eb8p-3, 0x1.16340e5a82d62p-3, 0x1.1b41492757d42p-3,
    0x1.2054625183c34p-3, 0x1.256d5a2835eb6p-3, 0x1.2a8c3137a071bp-3,
    0x1.2fb0e847c2a65p-3, 0x1.34db805b4ab89p-3, 0x1.3a0bfaae8d7eep-3,
    0x1.3f4258b6931afp-3, 0x1.447e9c20375d6p-3, 0x1.49c0c6cf5ce30p-3,
    0x1.4f08dade31fc6p-3, 0x1.5456da9c8683bp-3, 0x1.59aac88f31d74p-3,
    0x1.5f04a76f88400p-3, 0x1.64647a2adf1a4p-3, 0x1.69ca43e21f261p-3,
    0x1.6f3607e964719p-3, 0x1.74a7c9c7ab5a8p-3, 0x1.7a1f8d368a323p-3,
    0x1.7f9d5621f7174p-3, 0x1.852128a819a38p-3, 0x1.8aab09192815ap-3,
    0x1.903afbf74fa68p-3, 0x1.95d105f6a7c27p-3, 0x1.9b6d2bfd2fe5ap-3,
    0x1.a10f7322d7e3cp-3, 0x1.a6b7e0b19267cp-3, 0x1.ac667a2571805p-3,
    0x1.b21b452ccd13ap-3, 0x1.b7d647a8731abp-3, 0x1.bd9787abe18a2p-3,
    0x1.c35f0b7d89d46p-3, 0x1.c92cd9971df52p-3, 0x1.cf00f8a5e6fcap-3,
    0x1.d4db6f8b2514cp-3, 0x1.dabc455c79006p-3, 0x1.e0a3816457181p-3,
    0x1.e6912b2283cd9p-3, 0x1.ec854a4c99c3ep-3, 0x1.f27fe6ce998ccp-3,
    0x1.f88108cb8322fp-3, 0x1.fe88b89df93bcp-3, 0x1.024b7f6c7747ap-2,
    0x1.0555f2242e9d4p-2, 0x1.0863b8f904331p-2, 0x1.0b74d88b242d4p-2,
    0x1.0e895598709bdp-2, 0x1.11a134fcf241dp-2, 0x1.14bc7bb34ee63p-2,
    0x1.17db2ed5454e5p-2, 0x1.1afd539c2f04cp-2, 0x1.1e22ef6188113p-2,
    0x1.214c079f7cc9cp-2, 0x1.2478a1f17de86p-2, 0x1.27a8c414db11bp-2,
    0x1.2adc73e963fdap-2, 0x1.2e13b77210764p-2, 0x1.314e94d5af62dp-2,
    0x1.348d125f9d19cp-2, 0x1.37cf368081376p-2, 0x1.3b1507cf143acp-2,
    0x1.3e5e8d08ed2d8p-2, 0x1.41abcd1357a18p-2, 0x1.44fccefc324fcp-2,
    0x1.485199fad6ad4p-2, 0x1.4baa357109ca2p-2, 0x1.4f06a8ebf6d91p-2,
    0x1.5266fc2533beap-2, 0x1.55cb3703d00fdp-2, 0x1.5933619d6eebcp-2,
    0x1.5c9f84376c241p-2, 0x1.600fa7480d2c6p-2, 0x1.6383d377be513p-2,
    0x1.66fc11a25cbdfp-2, 0x1.6a786ad88de1ep-2, 0x1.6df8e86124ca6p-2,
    0x1.717d93ba96148p-2, 0x1.7506769c7b1e8p-2, 0x1.78939af9252e6p-2,
    0x1.7c250aff414acp-2, 0x1.7fbad11b8d90dp-2, 0x1.8354f7faa0dd5p-2,
    0x1.86f38a8ac5ab2p-2, 0x1.8a9693fde9185p-2, 0x1.8e3e1fcb9f113p-2,
    0x1.91ea39b33cb13p-2, 0x1.959aedbe09f8fp-2, 0x1.995048418c0c3p-2,
    0x1.9d0a55e1e93dcp-2, 0x1.a0c923946843bp-2, 0x1.a48cbea20c04bp-2,
    0x1.a85534aa4d87dp-2, 0x1.ac2293a5f5a9ap-2, 0x1.aff4e9ea18550p-2,
    0x1.b3cc462b331c8p-2, 0x1.b7a8b78071319p-2, 0x1.bb8a4d6716d8fp-2,
    0x1.bf7117c616a14p-2, 0x1.c35d26f1d2cb5p-2, 0x1.c74e8bb00d7c3p-2,
    0x1.cb45573c0a843p-2, 0x1.cf419b4ae5b69p-2, 0x1.d3436a102107bp-2,
    0x1.d74ad6426de2dp-2, 0x1.db57f320b56abp-2, 0x1.df6ad47763a03p-2,
    0x1.e3838ea5f9b7ep-2, 0x1.e7a236a4ec3bfp-2, 0x1.ebc6e20bd1f4fp-2,
    0x1.eff1a717e8f8ep-2, 0x1.f4229cb2f7aecp-2, 0x1.f859da7a900c4p-2,
    0x1.fc9778c7bbd9bp-2, 0x1.006dc85b8cac2p-1, 0x1.02931e18b8228p-1,
    0x1.04bbcafa63f2bp-1, 0x1.06e7dccf03c33p-1, 0x1.091761d995d7dp-1,
    0x1.0b4a68d70d9abp-1, 0x1.0d8101041429cp-1, 0x1.0fbb3a232590fp-1,
    0x1.11f9248311f34p-1, 0x1.143ad105ea998p-1, 0x1.16805128639d6p-1,
    0x1.18c9b709b3c4dp-1, 0x1.1b171573fd10ep-1, 0x1.1d687fe549966p-1,
    0x1.1fbe0a992961dp-1, 0x1.2217ca92ff7eep-1, 0x1.2475d5a90db80p-1,
    0x1.26d84290504e9p-1, 0x1.293f28e93cd11p-1, 0x1.2baaa14d79545p-1,
    0x1.2e1ac55ea3beap-1, 0x1.308fafd6438ebp-1, 0x1.33097c9703a32p-1,
    0x1.358848bf550e6p-1, 0x1.380c32bda00d2p-1, 0x1.3a955a662cd0bp-1,
    0x1.3d23e10af31a1p-1, 0x1.3fb7e99585b7fp-1, 0x1.425198a355fe0p-1,
    0x1.44f114a493676p-1, 0x1.479685fdf500fp-1, 0x1.4a42172dc5276p-1,
    0x1.4cf3f4f494ebep-1, 0x1.4fac4e820b665p-1, 0x1.526b55a656cd3p-1,
    0x1.55313f08d9e44p-1, 0x1.57fe4264c8d8cp-1, 0x1.5ad29acc85c85p-1,
    0x1.5dae86f4aff66p-1, 0x1.6092498802661p-1, 0x1.637e298550c15p-1,
    0x1.667272a92e320p-1, 0x1.696f75e513b26p-1, 0x1.6c7589e635a86p-1,
    0x1.6f850baea7aebp-1, 0x1.729e5f43f6d0ep-1, 0x1.75c1f0770d852p-1,
    0x1.78f033ca0b0d2p-1, 0x1.7c29a779c6855p-1, 0x1.7f6ed4b20e2c8p-1,
    0x1.82c050f56cf6bp-1, 0x1.861ebfc37bca8p-1, 0x1.898ad48badefep-1,
    0x1.8d0554fe60aa4p-1, 0x1.908f1bd31714bp-1, 0x1.94291c21b7a43p-1,
    0x1.97d4657617abep-1, 0x1.9b9228d24067ep-1, 0x1.9f63bee651fd5p-1,
    0x1.a34aafdf5af0cp-1, 0x1.a748bd550c9dep-1, 0x1.ab5fef17a2502p-1,
    0x1.af92a3f6ce8a0p-1, 0x1.b3e3a8234dd0ep-1, 0x1.b85653a8ff54fp-1,
    0x1.bceeb4ee1dc7fp-1, 0x1.c1b1cd9eebae7p-1, 0x1.c6a5ecea9787cp-1,
    0x1.cbd33a8a72de8p-1, 0x1.d144978a119d9p-1, 0x1.d70920657bcefp-1,
    0x1.dd36fa704de92p-1, 0x1.e3f11e027f074p-1, 0x1.eb7545b6ca912p-1,
    0x1.f446ac979f084p-1, 0x1.0000000000000p+0,
};

#if defined(__GNUC__) && !defined(__TINYC__)
#define ANNK_COLD __attribute__((noinline, cold, unused))
#else
#define ANNK_COLD
#endif

/* The tail beyond R of element elem from attempt t on: R + x, x = -log(U1) / R. */
static ANNK_COLD double annk_zig_tail(const uint32_t pre[4], uint32_t elem, uint32_t t)
{
    uint32_t q;
    for (q = t; q < 0x7fffffffu; q++) {
        uint64_t b = annk_word(pre, elem, 2u * q + 1u);
        double u1 = ((double)(uint32_t)(b >> 32) + 1.0) * ANNK_INV_2_32;
        double u2 = ((double)(uint32_t)b + 1.0) * ANNK_INV_2_32;
        double x = -log(u1) / ANNK_ZIG_R, y = -log(u2);
        if (y + y > x * x)
            return ANNK_ZIG_R + x;
    }
    return NAN; /* not reached */
}

/* The rare rest of a draw (kept out of line so that the loops calling annk_zig stay tight). */
static ANNK_COLD double annk_zig_slow(const uint32_t pre[4], uint32_t elem, uint64_t w)
{
    uint32_t t, i;
    double u, x;
    for (t = 0; t < 0x7fffffffu; t++) {
        if (t > 0)
            w = annk_word(pre, elem, 2u * t);
        i = (uint32_t)(w & 0xffu);
        u = (double)(int64_t)(w >> 11) * ANNK_INV_2_52 - 1.0;
        x = u * annk_zig_x[i];
        if (fabs(x) < annk_zig_x[i + 1])
            return x;
        if (i == 0) {
            x = annk_zig_tail(pre, elem, t);
            return u < 0.0 ? -x : x;
        }
        if (annk_zig_f[i] + annk_w53(annk_word(pre, elem, 2u * t + 1u)) *
                                (annk_zig_f[i + 1] - annk_zig_f[i]) < exp(-0.5 * x * x))
            return x;
    }
    return NAN; /* not reached */
}

/* The standard normal of element elem whose first word (sub 0) is w. */
static inline double annk_zig(const uint32_t pre[4], uint32_t elem, uint64_t w)
{
    uint32_t i = (uint32_t)(w & 0xffu);
    double x = ((double)(int64_t)(w >> 11) * ANNK_INV_2_52 - 1.0) * annk_zig_x[i];
    if (fabs(x) < annk_zig_x[i + 1])
        return x;
    return annk_zig_slow(pre, elem, w);
}

/* ---- transforms of one uniform u in [0, 1) or one standard normal z ----------------------- */

static inline double annk_uniform_ab_of(double a, double b, double u)
{
    return a + (b - a) * u;
}

/* Integers in [ceil(a), floor(b)], both ends included. */
static inline double annk_discrete_uniform_of(double a, double b, double u)
{
    double lo = ceil(a), hi = floor(b), x;
    if (!(lo <= hi))
        return NAN;
    x = lo + floor(u * (hi - lo + 1.0));
    return x > hi ? hi : x;
}

/* lambda is a rate: the mean is 1/lambda. */
static inline double annk_exponential_of(double lambda, double u)
{
    if (!(lambda > 0.0))
        return NAN;
    return -log1p(-u) / lambda;
}

static inline double annk_normal_of(double mu, double sigma, double z)
{
    return sigma >= 0.0 ? mu + sigma * z : NAN;
}

static inline double annk_lognormal_of(double mu, double sigma, double z)
{
    if (!(sigma >= 0.0))
        return NAN;
    return exp(mu + sigma * z);
}

/* ---- distributions on a prefix (host streams and hand-hoisted kernel loops) ---------------- */

static inline double annk_draw_uniform(const uint32_t pre[4], uint32_t elem)
{
    return annk_w53(annk_word(pre, elem, 0));
}

static inline double annk_draw_std_normal(const uint32_t pre[4], uint32_t elem)
{
    return annk_zig(pre, elem, annk_word(pre, elem, 0));
}

/* Box-Muller on block `sub` of element elem (Gamma's normals): sqrt(-2 log(1 - u0))
 * cos(2 pi u1), 1 - u0 in (0, 1]. */
static inline double annk_std_normal_block(const uint32_t pre[4], uint32_t elem, uint32_t sub)
{
    uint32_t b[4];
    annk_rng_block(pre, elem, sub, b);
    return sqrt(-2.0 * log(1.0 - annk_u53(b[0], b[1]))) * cos(ANNK_TWO_PI * annk_u53(b[2], b[3]));
}

static inline double annk_draw_uniform_ab(double a, double b, const uint32_t pre[4],
                                          uint32_t elem)
{
    return annk_uniform_ab_of(a, b, annk_draw_uniform(pre, elem));
}

static inline double annk_draw_discrete_uniform(double a, double b, const uint32_t pre[4],
                                                uint32_t elem)
{
    return annk_discrete_uniform_of(a, b, annk_draw_uniform(pre, elem));
}

static inline double annk_draw_normal(double mu, double sigma, const uint32_t pre[4],
                                      uint32_t elem)
{
    if (!(sigma >= 0.0))
        return NAN;
    return annk_normal_of(mu, sigma, annk_draw_std_normal(pre, elem));
}

static inline double annk_draw_lognormal(double mu, double sigma, const uint32_t pre[4],
                                         uint32_t elem)
{
    if (!(sigma >= 0.0))
        return NAN;
    return annk_lognormal_of(mu, sigma, annk_draw_std_normal(pre, elem));
}

static inline double annk_draw_exponential(double lambda, const uint32_t pre[4], uint32_t elem)
{
    if (!(lambda > 0.0))
        return NAN;
    return annk_exponential_of(lambda, annk_draw_uniform(pre, elem));
}

/* ---- buffers of draws for the kernels' loops ------------------------------------------------ */

/* annk_fill_u01(pre, e0, n, out): out[k] = annk_draw_uniform(pre, e0 + k), k < n;
 * annk_fill_std_normal(pre, e0, n, out): out[k] = annk_draw_std_normal(pre, e0 + k).
 * The values are the same bits whatever the compiler: with gcc and AVX2 the blocks of whole
 * groups of eight elements (e0 + k a multiple of 8) are computed four at a time in vector
 * registers (pmuludq multiplies the low 32-bit halves of four 64-bit lanes), other elements
 * one block at a time. Integer arithmetic and exact conversions only, so both paths agree. */
#define ANNK_CHUNK 256

#if defined(__GNUC__) && !defined(__TINYC__) && defined(__AVX2__)
#define ANNK_RNG_VECTOR 1
typedef unsigned long long annk_v4u __attribute__((vector_size(32)));
typedef int annk_v8i __attribute__((vector_size(32)));
typedef double annk_v4d __attribute__((vector_size(32)));

static inline annk_v4u annk_v4_mul(annk_v4u a, annk_v4u m)
{
    return (annk_v4u)__builtin_ia32_pmuludq256((annk_v8i)a, (annk_v8i)m);
}

/* Philox4x32-10 of blocks b0 .. b0 + 7 (sub), lanes of c[0..3] and c[4..7]: word k of block
 * b0 + l is the low half of lane l & 3 of c[k + 4 * (l >> 2)]. High halves hold garbage that
 * the multiplications ignore. */
/* The round keys of a prefix, broadcast: K[r] = k0 + r W0, K[10 + r] = k1 + r W1. */
static inline void annk_philox_v_keys(const uint32_t pre[4], annk_v4u K[20])
{
    uint32_t k0 = pre[0], k1 = pre[1];
    int r;
    for (r = 0; r < 10; r++) {
        K[r] = (annk_v4u){k0, k0, k0, k0};
        K[10 + r] = (annk_v4u){k1, k1, k1, k1};
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
}

/* Philox4x32-10 of blocks b0 .. b0 + 4 nv - 1 (sub), nv = 1 or 3 (a constant once inlined): word
 * k of block b0 + 4 v + l is the low half of lane l of c[v][k]. High halves of the lanes hold
 * garbage that the multiplications ignore. Three independent vectors keep the multipliers busy. */
static inline void annk_philox_v(const uint32_t pre[4], const annk_v4u K[20], uint32_t b0,
                                 uint32_t sub, int nv, annk_v4u c[3][4])
{
    const annk_v4u m0 = {0xD2511F53u, 0xD2511F53u, 0xD2511F53u, 0xD2511F53u};
    const annk_v4u m1 = {0xCD9E8D57u, 0xCD9E8D57u, 0xCD9E8D57u, 0xCD9E8D57u};
    int r, v;
    for (v = 0; v < nv; v++) {
        uint32_t b = b0 + 4u * (uint32_t)v;
        c[v][0] = (annk_v4u){b, b + 1u, b + 2u, b + 3u};
        c[v][1] = (annk_v4u){sub, sub, sub, sub};
        c[v][2] = (annk_v4u){pre[2], pre[2], pre[2], pre[2]};
        c[v][3] = (annk_v4u){pre[3], pre[3], pre[3], pre[3]};
    }
    for (r = 0; r < 10; r++) {
        for (v = 0; v < nv; v++) {
            annk_v4u x1 = c[v][1] ^ K[r], x3 = c[v][3] ^ K[10 + r];
            annk_v4u p0 = annk_v4_mul(c[v][0], m0), p2 = annk_v4_mul(c[v][2], m1);
            c[v][0] = (p2 >> 32) ^ x1;
            c[v][2] = (p0 >> 32) ^ x3;
            c[v][1] = p2;
            c[v][3] = p0;
        }
    }
}

/* u53 of the words (hi, lo) in the low halves of the lanes. */
static inline annk_v4d annk_v4_u53(annk_v4u hi, annk_v4u lo)
{
    const annk_v4u m32 = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
    const annk_v4u e52 = {0x4330000000000000ull, 0x4330000000000000ull, 0x4330000000000000ull,
                          0x4330000000000000ull};
    const annk_v4d two52 = {4503599627370496.0, 4503599627370496.0, 4503599627370496.0,
                            4503599627370496.0};
    const annk_v4d s32 = {ANNK_INV_2_32, ANNK_INV_2_32, ANNK_INV_2_32, ANNK_INV_2_32};
    const annk_v4d s53 = {ANNK_INV_2_53, ANNK_INV_2_53, ANNK_INV_2_53, ANNK_INV_2_53};
    annk_v4d h = (annk_v4d)((hi & m32) | e52) - two52;
    annk_v4d l = (annk_v4d)(((lo & m32) >> 11) | e52) - two52;
    return h * s32 + l * s53;
}

static inline annk_v4u annk_v4_word(annk_v4u hi, annk_v4u lo)
{
    const annk_v4u m32 = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
    return (hi << 32) | (lo & m32);
}
#endif

static inline void annk_fill_u01(const uint32_t pre[4], uint32_t e0, int32_t n, double *out)
{
    int32_t k = 0;
#ifdef ANNK_RNG_VECTOR
    annk_v4u K[20], c[3][4];
    annk_v4d u;
    int v;
    annk_philox_v_keys(pre, K);
    while (k < n && ((e0 + (uint32_t)k) & 7u)) {
        out[k] = annk_draw_uniform(pre, e0 + (uint32_t)k);
        k++;
    }
    for (; k + 24 <= n; k += 24) {
        annk_philox_v(pre, K, ((e0 + (uint32_t)k) >> 3) << 2, 0, 3, c);
        for (v = 0; v < 3; v++) {
            u = annk_v4_u53(c[v][0], c[v][1]);
            __builtin_memcpy(out + k + 8 * v, &u, sizeof u);
            u = annk_v4_u53(c[v][2], c[v][3]);
            __builtin_memcpy(out + k + 8 * v + 4, &u, sizeof u);
        }
    }
    for (; k + 8 <= n; k += 8) {
        annk_philox_v(pre, K, ((e0 + (uint32_t)k) >> 3) << 2, 0, 1, c);
        u = annk_v4_u53(c[0][0], c[0][1]);
        __builtin_memcpy(out + k, &u, sizeof u);
        u = annk_v4_u53(c[0][2], c[0][3]);
        __builtin_memcpy(out + k + 4, &u, sizeof u);
    }
#endif
    for (; k < n; k++)
        out[k] = annk_draw_uniform(pre, e0 + (uint32_t)k);
}

static inline void annk_fill_std_normal(const uint32_t pre[4], uint32_t e0, int32_t n,
                                        double *out)
{
    int32_t k = 0;
#ifdef ANNK_RNG_VECTOR
    annk_v4u K[20], c[3][4], w[6];
    int j;
    annk_philox_v_keys(pre, K);
    while (k < n && ((e0 + (uint32_t)k) & 7u)) {
        out[k] = annk_draw_std_normal(pre, e0 + (uint32_t)k);
        k++;
    }
    for (; k + 24 <= n; k += 24) {
        annk_philox_v(pre, K, ((e0 + (uint32_t)k) >> 3) << 2, 0, 3, c);
        for (j = 0; j < 3; j++) {
            w[2 * j] = annk_v4_word(c[j][0], c[j][1]);
            w[2 * j + 1] = annk_v4_word(c[j][2], c[j][3]);
        }
        for (j = 0; j < 24; j++)
            out[k + j] = annk_zig(pre, e0 + (uint32_t)(k + j), w[j >> 2][j & 3]);
    }
    for (; k + 8 <= n; k += 8) {
        annk_philox_v(pre, K, ((e0 + (uint32_t)k) >> 3) << 2, 0, 1, c);
        w[0] = annk_v4_word(c[0][0], c[0][1]);
        w[1] = annk_v4_word(c[0][2], c[0][3]);
        for (j = 0; j < 8; j++)
            out[k + j] = annk_zig(pre, e0 + (uint32_t)(k + j), w[j >> 2][j & 3]);
    }
#endif
    for (; k < n; k++)
        out[k] = annk_draw_std_normal(pre, e0 + (uint32_t)k);
}

/* Shape alpha, scale beta. Marsaglia and Tsang (2000); alpha < 1 draws Gamma(alpha + 1) and
 * multiplies by U^(1/alpha). */
static inline double annk_draw_gamma(double alpha, double beta, const uint32_t pre[4],
                                     uint32_t elem)
{
    double a, d, c, x, v, u, x2;
    uint32_t b[4], j;
    if (!(alpha >= 0.0) || !(beta >= 0.0))
        return NAN;
    if (alpha == 0.0)
        return 0.0;
    a = alpha < 1.0 ? alpha + 1.0 : alpha;
    d = a - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (j = 0; j < 100000u; j++) {
        x = annk_std_normal_block(pre, elem, 2u * j);
        v = 1.0 + c * x;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        annk_rng_block(pre, elem, 2u * j + 1u, b);
        u = annk_u53(b[0], b[1]);
        x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1.0 - v + log(v))) {
            double g = d * v;
            if (alpha < 1.0) {
                annk_rng_block(pre, elem, 1u, b);
                g *= pow(1.0 - annk_u53(b[2], b[3]), 1.0 / alpha);
            }
            return g * beta;
        }
    }
    return NAN; /* not reached for finite parameters */
}

/* log(k!) for k >= 0: exact below 10, Stirling's series (error < 1e-17 relative) above. */
static inline double annk_log_factorial(double k)
{
    static const double small[10] = {
        0.0, 0.0, 0.6931471805599453, 1.791759469228055, 3.1780538303479458,
        4.787491742782046, 6.579251212010101, 8.525161361065415, 10.60460290274525,
        12.801827480081469
    };
    double z, iz, iz2;
    if (k < 10.0)
        return small[(int)k];
    z = k + 1.0;
    iz = 1.0 / z;
    iz2 = iz * iz;
    return (z - 0.5) * log(z) - z + 0.91893853320467274178 /* log(2 pi)/2 */
           + iz * (1.0 / 12.0 - iz2 * (1.0 / 360.0 - iz2 * (1.0 / 1260.0 - iz2 / 1680.0)));
}

/* A binomial draw in two parts: annk_binomial_setup computes what depends only on (n, p)
 * (the probability of 0 for inversion, the constants of BTRS), annk_binomial_draw draws one
 * value from it. A kernel whose n and p are the same for every element of a loop calls the
 * setup once before the loop; annk_draw_binomial is the two in sequence, so both ways give
 * the same bits. */
typedef struct annk_binom {
    int kind;       /* 0: the value is `value` (no draw), 1: inversion, 2: BTRS */
    int flip;       /* p was > 0.5: the draw is for 1 - p, the result n - k */
    double value, n, p;
    double s, a, p0, lim;                            /* inversion */
    double bb, c, vr, alpha, lpq, m, h;              /* BTRS (a shared) */
} annk_binom;

static inline void annk_binomial_setup(double n, double p, annk_binom *B)
{
    double q;
    B->kind = 0;
    B->flip = 0;
    if (!(n >= 0.0) || !(p >= 0.0 && p <= 1.0) || n > 9007199254740992.0) {
        B->value = NAN;
        return;
    }
    n = floor(n);
    if (n == 0.0 || p == 0.0) {
        B->value = 0.0;
        return;
    }
    if (p == 1.0) {
        B->value = n;
        return;
    }
    B->flip = p > 0.5;
    if (B->flip)
        p = 1.0 - p;
    q = 1.0 - p;
    B->n = n;
    B->p = p;
    if (n * p < 10.0) {
        /* Inversion: walk the probabilities P(0), P(1), ... with P(x) = P(x-1)(a/x - s).
         * The mean is below 10, so a walk past 110 only happens through rounding: retry. */
        B->kind = 1;
        B->s = p / q;
        B->a = (n + 1.0) * B->s;
        B->p0 = exp(n * log1p(-p));
        B->lim = n < 110.0 ? n : 110.0;
    } else {
        /* BTRS: transformed rejection with squeeze (W. Hormann, "The generation of binomial
         * random variates", J. Statist. Comput. Simul. 46, 1993). */
        double spq = sqrt(n * p * q);
        B->kind = 2;
        B->bb = 1.15 + 2.53 * spq;
        B->a = -0.0873 + 0.0248 * B->bb + 0.01 * p;
        B->c = n * p + 0.5;
        B->vr = 0.92 - 4.2 / B->bb;
        B->alpha = (2.83 + 5.1 / B->bb) * spq;
        B->lpq = log(p / q);
        B->m = floor((n + 1.0) * p);
        B->h = annk_log_factorial(B->m) + annk_log_factorial(n - B->m);
    }
}

static inline double annk_binomial_draw(const annk_binom *B, const uint32_t pre[4],
                                        uint32_t elem)
{
    double r, k, n = B->n;
    uint32_t b[4], j;
    if (B->kind == 0)
        return B->value;
    if (B->kind == 1) {
        for (j = 0; j < 1000u; j++) {
            double u;
            annk_rng_block(pre, elem, j, b);
            u = annk_u53(b[0], b[1]);
            r = B->p0;
            for (k = 0.0; k <= B->lim; k += 1.0) {
                if (u < r)
                    return B->flip ? n - k : k;
                u -= r;
                r *= B->a / (k + 1.0) - B->s;
            }
        }
        return NAN; /* not reached */
    }
    for (j = 0; j < 100000u; j++) {
        double u, v, us;
        annk_rng_block(pre, elem, j, b);
        u = annk_u53(b[0], b[1]) - 0.5;
        v = annk_u53(b[2], b[3]);
        us = 0.5 - fabs(u);
        if (us <= 0.0)
            continue;
        k = floor((2.0 * B->a / us + B->bb) * u + B->c);
        if (k < 0.0 || k > n)
            continue;
        if (us >= 0.07 && v <= B->vr)
            return B->flip ? n - k : k;
        v = log(v * B->alpha / (B->a / (us * us) + B->bb));
        if (v <= B->h - annk_log_factorial(k) - annk_log_factorial(n - k) + (k - B->m) * B->lpq)
            return B->flip ? n - k : k;
    }
    return NAN; /* not reached */
}

/* Number of successes in n trials of probability p. */
static inline double annk_draw_binomial(double n, double p, const uint32_t pre[4],
                                        uint32_t elem)
{
    annk_binom B;
    annk_binomial_setup(n, p, &B);
    return annk_binomial_draw(&B, pre, elem);
}

/* Binomial draws of a run of consecutive elements with one (n, p), for a kernel loop whose n
 * and p are the same for every element: annk_binomial_table_setup once before the loop,
 * annk_fill_binomial(T, pre, e0, m, out) gives out[k] = annk_binomial_draw(&T->B, pre, e0 + k),
 * k < m, bit for bit. For inversion the setup stores the probabilities r[k] = P(k) exactly as
 * the walk of annk_binomial_draw computes them (the recurrence does not depend on the
 * uniform), up to n, 110, the first that is 0 or the one where they add up to 1 - 2^-40
 * (a uniform walking past them takes annk_binomial_draw's own walk); the walk then needs no
 * division. The uniforms u0 of the
 * elements' blocks (e, 0) are computed four blocks at a time with AVX2, and the first `fast`
 * steps of the walk for all the elements without a branch: the walk stops at the first k with
 * x_k < r[k], x_{k+1} = x_k - r[k]; before it x_k >= r[k] > 0, after it x_k < 0 < r[k], so the
 * result is the number of k < fast with x_k >= r[k] when that number is below `fast`. `fast`
 * covers all but 1/64 of the probability. The rest of the walk for the elements beyond it,
 * a uniform that walks off the table and the other kinds go through annk_binomial_draw's own
 * steps. */
#define ANNK_BINOM_TABLE 111
typedef struct annk_binom_table {
    annk_binom B;
    int len;                         /* entries of r (inversion only) */
    int fast;                        /* steps of the walk taken without a branch */
    double r[ANNK_BINOM_TABLE];
} annk_binom_table;

static inline void annk_binomial_table_setup(double n, double p, annk_binom_table *T)
{
    double r, k, mass = 0.0;
    annk_binomial_setup(n, p, &T->B);
    T->len = 0;
    T->fast = 0;
    if (T->B.kind != 1)
        return;
    r = T->B.p0;
    for (k = 0.0; k <= T->B.lim && r != 0.0 && mass < 1.0 - 0x1p-40; k += 1.0) {
        T->r[T->len++] = r;
        if (mass < 1.0 - 1.0 / 64.0)
            T->fast = T->len;
        mass += r;
        r *= T->B.a / (k + 1.0) - T->B.s;
    }
}

static inline void annk_fill_binomial(const annk_binom_table *T, const uint32_t pre[4],
                                      uint32_t e0, int32_t m, double *out)
{
    const double *r = T->r;
    const int len = T->len, fast = T->fast;
    const double n = T->B.n, sign = T->B.flip ? -1.0 : 1.0, base = T->B.flip ? n : 0.0;
    double x[ANNK_CHUNK];
    int32_t i0, i, m1;
    int k;
    uint32_t b[4];
#ifdef ANNK_RNG_VECTOR
    annk_v4u K[20], c[3][4];
    annk_v4d u;
    int v;
#endif
    if (T->B.kind != 1) {
        for (i = 0; i < m; i++)
            out[i] = annk_binomial_draw(&T->B, pre, e0 + (uint32_t)i);
        return;
    }
#ifdef ANNK_RNG_VECTOR
    annk_philox_v_keys(pre, K);
#endif
    for (i0 = 0; i0 < m; i0 += ANNK_CHUNK) {
        uint32_t f0 = e0 + (uint32_t)i0;
        m1 = m - i0 < ANNK_CHUNK ? m - i0 : ANNK_CHUNK;
        i = 0;
#ifdef ANNK_RNG_VECTOR
        for (; i + 12 <= m1; i += 12) {
            annk_philox_v(pre, K, f0 + (uint32_t)i, 0, 3, c);
            for (v = 0; v < 3; v++) {
                u = annk_v4_u53(c[v][0], c[v][1]);
                __builtin_memcpy(x + i + 4 * v, &u, sizeof u);
            }
        }
#endif
        for (; i < m1; i++) {
            annk_rng_block(pre, f0 + (uint32_t)i, 0, b);
            x[i] = annk_u53(b[0], b[1]);
        }
        for (i = 0; i < m1; i++)
            out[i0 + i] = 0.0;
        for (k = 0; k < fast; k++) {
            const double rk = r[k];
            for (i = 0; i < m1; i++) {
                out[i0 + i] += x[i] >= rk ? 1.0 : 0.0;
                x[i] -= rk;
            }
        }
        /* the counts as values; a count of `fast` (the walk goes on) as base + sign fast,
         * which no value of the branchless steps takes */
        for (i = 0; i < m1; i++)
            out[i0 + i] = base + sign * out[i0 + i];
        for (i = 0; i < m1; i++) {
            double y = x[i];
            if (out[i0 + i] != base + sign * fast)
                continue;
            for (k = fast; k < len && !(y < r[k]); k++)
                y -= r[k];
            out[i0 + i] = k < len ? base + sign * k
                                  : annk_binomial_draw(&T->B, pre, f0 + (uint32_t)i);
        }
    }
}

/* ---- the kernel interface: one call per draw ------------------------------------------------ */

static inline double annk_uniform(uint64_t seed, uint32_t stream, uint32_t elem, uint64_t step,
                                  uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_uniform(pre, elem);
}

static inline double annk_uniform_ab(double a, double b, uint64_t seed, uint32_t stream,
                                     uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_uniform_ab(a, b, pre, elem);
}

static inline double annk_discrete_uniform(double a, double b, uint64_t seed, uint32_t stream,
                                           uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_discrete_uniform(a, b, pre, elem);
}

static inline double annk_normal(double mu, double sigma, uint64_t seed, uint32_t stream,
                                 uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_normal(mu, sigma, pre, elem);
}

static inline double annk_lognormal(double mu, double sigma, uint64_t seed, uint32_t stream,
                                    uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_lognormal(mu, sigma, pre, elem);
}

static inline double annk_exponential(double lambda, uint64_t seed, uint32_t stream,
                                      uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_exponential(lambda, pre, elem);
}

static inline double annk_gamma(double alpha, double beta, uint64_t seed, uint32_t stream,
                                uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_gamma(alpha, beta, pre, elem);
}

static inline double annk_binomial(double n, double p, uint64_t seed, uint32_t stream,
                                   uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_binomial(n, p, pre, elem);
}

#endif /* ANNK_RNG_H */
